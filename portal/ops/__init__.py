"""Operating the platform: metrics, the status page, error reports, logs,
heartbeats of background work and progress bars for long commands.

Lower than every app (portal ← courses ← network ← bookings ← cases): the
apps call in (`metrics.count`, `heartbeats.heartbeat_record`) and register
their own gauges (`metrics.register_collector`); nothing here imports them.
"""
