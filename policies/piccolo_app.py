import os

from piccolo.conf.apps import AppConfig

from policies import tables

APP_CONFIG = AppConfig(
    app_name="policies",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[tables.PolicyOverride],
    migration_dependencies=["tenants.network.piccolo_app", "tenants.audit.piccolo_app"],
    commands=[],
)
