"""The caller query's statement, prepared once per connection on PostgreSQL, and its
placeholders rewritten once per process on SQLite."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.db.utils import load_backend

from tether_relay.postgresql.base import PreparedCursor
from users import selectors

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's")


@pytest.fixture
def prepared(transactional_db):
    """The default connection with prepared statements on (as DATABASE_PREPARED_STATEMENTS=true
    sets them), opened anew; committed rows, so that other connections can alter the tables."""
    options = connection.settings_dict["OPTIONS"]
    before = options.get("prepared_statements")
    options["prepared_statements"] = True
    connection.close()
    yield
    options["prepared_statements"] = before
    connection.close()


def _prepared_statements(cursor) -> list[str]:
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    return [row[0] for row in cursor.fetchall()]


def _caller_statement(statements: list[str]) -> list[str]:
    return [text for text in statements if "twilio_api_key_secret" in text]


@postgresql_only
def test_prepared_statements_are_off_by_default(user):
    from tether_relay import settings as host_settings

    assert host_settings.DATABASES["default"]["OPTIONS"]["prepared_statements"] is False
    selectors.voice_caller_get(user_id=user.pk)
    selectors.voice_caller_get(user_id=user.pk)
    with connection.cursor() as cursor:
        assert _prepared_statements(cursor) == []


@postgresql_only
def test_the_caller_query_is_prepared_at_its_first_use_and_then_run_by_name(prepared, user):
    selectors.voice_caller_get(user_id=user.pk)
    with connection.cursor() as cursor:
        assert len(_caller_statement(_prepared_statements(cursor))) == 1

    caller = selectors.voice_caller_get(user_id=user.pk)

    assert caller.user_id == str(user.pk)
    with connection.cursor() as cursor:
        (statement,) = _caller_statement(_prepared_statements(cursor))
    # Bound on the server: the id is a parameter, not a literal in the text.
    assert "$1" in statement


@postgresql_only
def test_django_cursors_prepare_nothing(prepared, user):
    with connection.cursor() as cursor:
        for _ in range(10):  # twice psycopg's threshold
            cursor.execute("SELECT id FROM users_user WHERE id = %s", [user.pk])
        assert _prepared_statements(cursor) == []


@postgresql_only
def test_one_query_per_token_request_still_logged_with_its_text(
    prepared, get_token, user, django_assert_num_queries
):
    get_token(user)
    with django_assert_num_queries(1) as captured:
        assert get_token(user).status_code == HTTPStatus.OK
    (query,) = captured.captured_queries
    assert "twilio_api_key_secret" in query["sql"]
    assert str(user.pk) in query["sql"]


@postgresql_only
def test_a_column_that_changed_type_since_it_was_prepared_is_prepared_again(
    prepared, user, django_db_blocker
):
    from tests.test_database_kept_connection import _wrapper

    selectors.voice_caller_get(user_id=user.pk)
    selectors.voice_caller_get(user_id=user.pk)
    other = _wrapper("migrating")  # a migration run from elsewhere while this connection is open
    column = "ALTER TABLE users_user ALTER COLUMN twilio_phone_number TYPE varchar({})"
    try:
        with other.cursor() as cursor:
            cursor.execute(column.format(160))

        caller = selectors.voice_caller_get(user_id=user.pk)

        assert caller.user_id == str(user.pk)
        assert selectors.voice_caller_get(user_id=user.pk).user_id == str(user.pk)
    finally:
        connection.close()  # its plan holds a lock-free reference only, but start clean
        with other.cursor() as cursor:
            cursor.execute(column.format(_number_length()))
        other.close()


def _number_length() -> int:
    from users.models import User

    return User._meta.get_field("twilio_phone_number").max_length


@postgresql_only
def test_a_connection_created_receiver_gets_djangos_own_cursor(prepared, user):
    from django.db.backends.signals import connection_created

    kinds = []

    def receiver(*, connection, **kwargs):
        with connection.cursor() as cursor:
            kinds.append(type(cursor.cursor))
            cursor.execute("SET application_name = %s", ["tether-test"])

    connection.close()
    connection_created.connect(receiver)
    try:
        selectors.voice_caller_get(user_id=user.pk)
    finally:
        connection_created.disconnect(receiver)

    assert kinds
    assert not any(issubclass(kind, PreparedCursor) for kind in kinds)
    with connection.cursor() as cursor:
        cursor.execute("SHOW application_name")
        assert cursor.fetchone() == ("tether-test",)


@postgresql_only
def test_with_prepared_statements_off_nothing_is_prepared(user, django_db_blocker):
    settings = {
        **connection.settings_dict,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "prepared_statements": False},
    }
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="unprepared")
    try:
        with django_db_blocker.unblock():
            assert wrapper.get_connection_params()["prepare_threshold"] is None
            with wrapper.prepared_cursor() as cursor:
                assert not isinstance(cursor.cursor, PreparedCursor)
                cursor.execute(selectors._caller_sql("default"), [user.pk])
                cursor.execute(selectors._caller_sql("default"), [user.pk])
                assert _prepared_statements(cursor) == []
    finally:
        wrapper.close()


@postgresql_only
def test_a_prepared_read_on_a_connection_the_server_closed_runs_again_prepared(
    user, django_db_blocker
):
    from tests.test_database_kept_connection import _terminate, _wrapper

    options = {**connection.settings_dict["OPTIONS"], "prepared_statements": True}
    wrapper = _wrapper("kept_prepared", OPTIONS=options)
    try:
        with django_db_blocker.unblock():
            with wrapper.prepared_cursor() as cursor:
                cursor.execute("SELECT 1")
            wrapper.close_if_unusable_or_obsolete()  # the end of a request: the connection is kept
            _terminate(wrapper, django_db_blocker)
            with wrapper.prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int + 1", [41])
                assert cursor.fetchone() == (42,)
                assert isinstance(cursor.cursor, PreparedCursor)
                assert any("$1" in text for text in _prepared_statements(cursor))
    finally:
        wrapper.close()


@sqlite_only
def test_sqlite_placeholders_are_rewritten_as_django_rewrites_them():
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from tether_relay.sqlite3.base import _qmark_style

    sql = "SELECT %s, '100%%', x FROM t WHERE a = %s AND b LIKE '%%%s'"
    assert _qmark_style(sql) == SQLiteCursorWrapper.convert_query(None, sql)
    assert connection.settings_dict["ENGINE"] == "tether_relay.sqlite3"


@sqlite_only
def test_sqlite_rewrites_a_statement_once(user):
    from tether_relay.sqlite3.base import _qmark_style

    selectors.voice_caller_get(user_id=user.pk)
    hits = _qmark_style.cache_info().hits

    selectors.voice_caller_get(user_id=user.pk)

    assert _qmark_style.cache_info().hits == hits + 1


@sqlite_only
def test_sqlite_named_parameters_keep_djangos_rewrite(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(first)s + %(second)s", {"first": 40, "second": 2})
        assert cursor.fetchone() == (42,)
