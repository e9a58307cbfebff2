import os

from piccolo.conf.apps import AppConfig

from tenants.oversight import tables

APP_CONFIG = AppConfig(
    app_name="oversight",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=tables.ALL,
    migration_dependencies=[
        "tenants.network.piccolo_app",
        "tenants.service.piccolo_app",
        "tenants.parts.piccolo_app",
        "tenants.warranty.piccolo_app",
        "tenants.care.piccolo_app",
    ],
    commands=[],
)
