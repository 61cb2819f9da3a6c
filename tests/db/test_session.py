"""The shared database's connections notice a dead peer in seconds, not in TCP's minutes."""

from sqlalchemy import text

from db.session import PG_DEAD_PEER_LIMITS, make_engine
from tests.conftest import require_backend
from tests.helpers.databases import postgres_admin_url


def _dsn(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
            return conn.connection.dbapi_connection.info.get_parameters()
    finally:
        engine.dispose()


def test_postgres_connections_give_up_on_a_silent_peer():
    require_backend("postgresql")
    params = _dsn(postgres_admin_url())
    for name, value in PG_DEAD_PEER_LIMITS.items():
        assert params[name] == str(value), name


def test_the_urls_own_connection_parameters_win():
    require_backend("postgresql")
    url = postgres_admin_url()
    params = _dsn(f"{url}{'&' if '?' in url else '?'}connect_timeout=9")
    assert params["connect_timeout"] == "9" and params["tcp_user_timeout"] == "15000"
