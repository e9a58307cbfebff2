"""The repair order from reception to delivery (domain digest section 3).

Each module holds one step of the process; ``state_machine`` is the only place an
order's status changes, so every move is checked, recorded as an ``order_event``
and audited in the caller's transaction.
"""
