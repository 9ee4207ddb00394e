import pulumi
import pulumi_hyperv_replica as hvr

config = pulumi.Config()
password = config.require_secret("replicaPassword")

# The collection's two copies, one per site. Changing active_site from "east" to "west" runs a planned move: shut
# the guests down, send the last changes, fail over, reverse replication and start the VMs on west.
sql = hvr.ReplicatedCollection(
    "sql-cluster",
    sites={
        "east": hvr.SiteArgs(
            collection_id="6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
            connection=hvr.ConnectionArgs(
                transport=hvr.Transport.WSMAN, host="hv-east01.corp.example", username="CORP\\dr-ops", password=password
            ),
        ),
        "west": hvr.SiteArgs(
            collection_id="0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a",
            connection=hvr.ConnectionArgs(
                transport=hvr.Transport.WSMAN, host="hv-west01.corp.example", username="CORP\\dr-ops", password=password
            ),
        ),
    },
    active_site="east",
)

pulumi.export("runningSite", sql.running_site)
