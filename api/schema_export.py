"""Prints the GraphQL SDL; `make schema` writes it to graphql/schema.graphql."""

from __future__ import annotations

from api.schema import schema


def sdl() -> str:
    return schema.as_str().rstrip() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
