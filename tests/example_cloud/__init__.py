"""A third cloud that lives in the tests only, added by following docs/architecture.md.

`example/` is its wing (client, coordinator, devices, a lock, a battery sensor, its own option,
sign-in and diagnostics), `fake_cloud.py` the cloud it talks to over real HTTP on loopback, and
`test_example_cloud.py` registers the wing into `clouds.CLOUDS` for each test: no file of the
integration is edited for it.
"""
