"""The number of field selections an operation has once its fragments are expanded.

A fragment that spreads another twice, thirty levels deep, is a 1 KB document whose
expansion has 2^30 fields; Strawberry's depth and alias rules walk that expansion
(they guard against cycles, not against repetition), so such a document would hold
a worker for hours before any limit answered. Counting with memoised fragments is
linear in the document's size, so it runs first and the walkers only ever see
documents of a bounded expansion.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)


def expanded_fields(document: DocumentNode) -> int:
    """Fields over all operations, each fragment spread counted at its full size.

    Unknown fragments and cycles count 0: the standard rules refuse those anyway.
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    in_progress: set[str] = set()

    def fragment_size(name: str) -> int:
        if name in sizes:
            return sizes[name]
        fragment = fragments.get(name)
        if fragment is None or name in in_progress:
            return 0
        in_progress.add(name)
        size = selection_size(fragment.selection_set)
        in_progress.discard(name)
        sizes[name] = size
        return size

    def selection_size(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + selection_size(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += selection_size(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_size(selection.name.value)
        return total

    return sum(
        selection_size(d.selection_set)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def too_large_rule(limit: int) -> type[ValidationRule]:
    """A rule that only reports that the document expands beyond ``limit`` fields."""

    class ExpandedSizeLimit(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> None:
            self.report_error(
                GraphQLError(
                    f"The operation expands to more than {limit} fields"
                    " (fragments spread repeatedly)",
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )

    return ExpandedSizeLimit
