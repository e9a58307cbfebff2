import os

from piccolo.conf.apps import AppConfig

from tenants.network import tables

APP_CONFIG = AppConfig(
    app_name="network",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Manufacturer,
        tables.Region,
        tables.Dealer,
        tables.StaffUser,
        tables.Membership,
        tables.Headcount,
        tables.RegionAssignment,
        tables.ManufacturerAssignment,
    ],
    migration_dependencies=[],
    commands=[],
)
