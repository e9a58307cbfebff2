import os

from piccolo.conf.apps import AppConfig

from tenants.access import tables

APP_CONFIG = AppConfig(
    app_name="access",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[tables.AuthSession, tables.AuthEvent, tables.ApiKey],
    migration_dependencies=["tenants.network.piccolo_app"],
    commands=[],
)
