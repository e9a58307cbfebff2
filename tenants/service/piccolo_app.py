import os

from piccolo.conf.apps import AppConfig

from tenants.service import tables

APP_CONFIG = AppConfig(
    app_name="service",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=tables.ALL,
    migration_dependencies=["tenants.network.piccolo_app", "tenants.parts.piccolo_app"],
    commands=[],
)
