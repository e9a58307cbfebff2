import os

from piccolo.conf.apps import AppConfig

from tenants.partners import tables

APP_CONFIG = AppConfig(
    app_name="partners",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=tables.ALL,
    migration_dependencies=[
        "tenants.network.piccolo_app",
        "tenants.access.piccolo_app",
        "tenants.service.piccolo_app",
        "tenants.parts.piccolo_app",
        "tenants.warranty.piccolo_app",
    ],
    commands=[],
)
