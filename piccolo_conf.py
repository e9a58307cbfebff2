"""Piccolo configuration: the engine and the apps whose migrations make the schema."""

from piccolo.conf.apps import AppRegistry

from tenants.database import make_engine

DB = make_engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "tenants.network.piccolo_app",
        "tenants.access.piccolo_app",
        "tenants.audit.piccolo_app",
        "policies.piccolo_app",
        "tenants.parts.piccolo_app",
        "tenants.service.piccolo_app",
        "tenants.warranty.piccolo_app",
        "tenants.care.piccolo_app",
        "tenants.oversight.piccolo_app",
        "tenants.partners.piccolo_app",
    ]
)
