from tests.packing.conftest import bench, make_service, order_factory, printed  # noqa: F401  (a real pack bench)
