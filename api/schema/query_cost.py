"""The calculated cost of a GraphQL operation, from its validated document.

Computed before execution so a client learns the price of a query (and is refused an
unaffordable one) without the server doing the work. The model, in brief:

- An object field (one that has a selection set) costs 1; a scalar or enum field costs
  0, since it comes with the row its parent already loaded. A mutation's root field
  costs ``MUTATION_COST``: a write does more than a read.
- A field that takes ``first``/``last`` multiplies the cost of its selection by the
  requested page size (variables resolved; when absent, the schema's default page
  size). A list of objects without paging arguments is priced as ``LIST_ESTIMATE``
  items of 1 plus their selection each.
- Relay plumbing (``edges``, ``pageInfo``) is free: ``repairOrders(first: 10)`` costs
  1 for the connection plus 10 times its node's selection, not its edges as well.
- ``FIELD_COSTS`` overrides the own cost of expensive resolvers (dashboards that
  aggregate many rows), keyed ``"Type.field"``.
- Fragments and inline fragments are expanded; fields with the same response key are
  merged as execution merges them, so aliases count once per alias. On an interface
  or union, the most expensive possible type is charged.
- Introspection (``__schema``, ``__type``, ``__typename``) is free: it reads the
  in-memory schema, and the depth and token limits bound its size.
- ``@skip``/``@include`` are honoured.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)
from graphql.type import GraphQLIncludeDirective, GraphQLSkipDirective

from api.schema.relay_conventions import DEFAULT_PAGE
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_leaf_type,
    type_from_ast,
)

MUTATION_COST = 10
LIST_ESTIMATE = 10
PAGE_ARGUMENTS = ("first", "last")
FIELD_COSTS: dict[str, int] = {
    # Aggregates months of KPIs over every dealer of a region.
    "Query.regionDashboard": 50,
    "Query.regionPartsKpis": 25,
    "Query.partsKpis": 10,
    "Query.serviceMeasures": 10,
    # Loads every open order of the workshop with its lines and clockings.
    "Query.workshopBoard": 20,
    "Query.dispatchQueue": 10,
}
INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The cost of the operation to be executed; 0 when the document names none."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    calculator = _Calculator(schema, document, operation, variables or {})
    return calculator.object_cost([operation.selection_set], root, operation.operation)


def _usable_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: dict[str, Any]
) -> VariableValues:
    """Each variable coerced on its own: a missing or bad one (which execution will
    refuse) must not hide the page sizes the others ask for."""
    usable = VariableValues(sources={}, coerced={})
    for definition in operation.variable_definitions or ():
        one = get_variable_values(schema, [definition], inputs)
        if isinstance(one, VariableValues):
            usable.sources.update(one.sources)
            usable.coerced.update(one.coerced)
    return usable


class _Calculator:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        raw_variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = _usable_variables(schema, operation, dict(raw_variables))

    def object_cost(
        self,
        selection_sets: Iterable[SelectionSetNode],
        parent: GraphQLObjectType,
        root: OperationType | None,
    ) -> int:
        groups: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect(selection_set, parent, groups, set())
        return sum(self._field_cost(nodes, parent, root) for nodes in groups.values())

    def _collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLObjectType,
        groups: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        """Fields by response key, as graphql-core's field collection groups them."""
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                groups.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, parent):
                    self._collect(selection.selection_set, parent, groups, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition, parent):
                    self._collect(fragment.selection_set, parent, groups, visited)

    def _included(self, node: Any) -> bool:
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        except GraphQLError:  # an unusable variable: execution refuses it; price the field
            return True
        if skip and skip.get("if") is True:
            return False
        return not (include and include.get("if") is False)

    def _applies(self, condition: Any, parent: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        condition_type = type_from_ast(self.schema, condition)
        if condition_type is parent:
            return True
        if isinstance(condition_type, GraphQLAbstractType):
            return self.schema.is_sub_type(condition_type, parent)
        return False

    def _field_cost(
        self, nodes: list[FieldNode], parent: GraphQLObjectType, root: OperationType | None
    ) -> int:
        name = nodes[0].name.value
        if name in INTROSPECTION_FIELDS:
            return 0
        definition = parent.fields.get(name)
        if definition is None:  # validation has refused it already
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return FIELD_COSTS.get(f"{parent.name}.{name}", 0)
        structural = named.name == "PageInfo" or named.name.endswith("Edge")
        priced = FIELD_COSTS.get(f"{parent.name}.{name}")
        if priced is not None:
            own = priced
        elif root is OperationType.MUTATION:
            own = MUTATION_COST
        else:
            own = 0 if structural else 1
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        selections = [n.selection_set for n in nodes if n.selection_set]
        children = max(
            (self.object_cost(selections, t, None) for t in self._possible(named)), default=0
        )
        page = self._page_size(nodes[0], definition)
        if page is not None:
            return own + page * children
        if own == 1 and isinstance(get_nullable_type(definition.type), GraphQLList):
            # An unpaged list: each item is priced as an object of its own.
            return LIST_ESTIMATE * (1 + children)
        return own + children

    def _possible(
        self, named: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
    ) -> Iterable[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return (named,)
        return self.schema.get_possible_types(named)

    def _page_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page a paged field asks for: ``first``/``last``, else the default page."""
        if not any(arg in definition.args for arg in PAGE_ARGUMENTS):
            return None
        try:
            args = get_argument_values(definition, node, self.variables)
        except GraphQLError:  # execution refuses the argument; price the default page
            args = {}
        given = [args[arg] for arg in PAGE_ARGUMENTS if isinstance(args.get(arg), int)]
        return max(0, *given) if given else DEFAULT_PAGE
