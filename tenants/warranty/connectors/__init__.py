"""How a claim reaches its manufacturer: the review inbox inside dealernet, or the
manufacturer's own system over signed HTTP. Both are idempotent by the message's key."""
