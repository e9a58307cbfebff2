"""Write-offs (报损): three signers in three capacities, none the requester, and the
70/10/10/10 loss split."""

from __future__ import annotations

import strawberry


@strawberry.type
class WriteOffsQuery:
    pass


@strawberry.type
class WriteOffsMutation:
    pass
