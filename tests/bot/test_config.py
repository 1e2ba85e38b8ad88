"""Configuration from the environment, with the safety rules of the two modes."""

import pytest

from bot.config import Config, ConfigError

PROD = {
    "MicrosoftAppId": "11111111-1111-1111-1111-111111111111",
    "MicrosoftAppPassword": "secret",
    "MicrosoftAppTenantId": "22222222-2222-2222-2222-222222222222",
    "QIBOT_LINK_SECRET": "x" * 40,
    "QIBOT_SURVEY_KEY": "s" * 40,
    "QIBOT_PUBLIC_URL": "https://qibot.example.nhs.uk",
}


def test_defaults_are_development_on_loopback():
    settings = Config.from_env({}, env_file=None)
    assert not settings.production
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.database_url == "sqlite+aiosqlite:///var/qibot.db"
    assert settings.send_rate == 48 and settings.conversation_rate == 7 and settings.send_lease_seconds == 300


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "example.org"])
def test_development_mode_refuses_to_bind_beyond_loopback(host):
    with pytest.raises(ConfigError, match="only binds to loopback"):
        Config.from_env({"QIBOT_HOST": host}, env_file=None)


@pytest.mark.parametrize("host", ["localhost", "::1", "127.0.0.5"])
def test_loopback_hosts_are_fine(host):
    assert Config.from_env({"QIBOT_HOST": host}, env_file=None).host == host


def test_production_needs_password_and_tenant_and_defaults_to_single_tenant():
    settings = Config.from_env({**PROD, "QIBOT_HOST": "0.0.0.0"}, env_file=None)
    assert settings.production and settings.app_type == "SingleTenant"
    assert settings.log_format == "json"
    assert "secret" not in repr(settings)
    for missing in (
        "MicrosoftAppPassword",
        "MicrosoftAppTenantId",
        "QIBOT_LINK_SECRET",
        "QIBOT_SURVEY_KEY",
        "QIBOT_PUBLIC_URL",
    ):
        env = {k: v for k, v in PROD.items() if k != missing}
        with pytest.raises(ConfigError, match=missing):
            Config.from_env(env, env_file=None)


def test_unknown_app_type_is_refused():
    with pytest.raises(ConfigError, match="MicrosoftAppType"):
        Config.from_env({**PROD, "MicrosoftAppType": "Sometimes"}, env_file=None)


@pytest.mark.parametrize(
    "name, value",
    [("QIBOT_PORT", "http"), ("QIBOT_SEND_RATE", "-3"), ("QIBOT_SEND_MAX_ATTEMPTS", "0"), ("QIBOT_LOG_FORMAT", "xml")],
)
def test_bad_numbers_and_formats_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value}, env_file=None)


def test_lists_and_dot_env(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("QIBOT_ALLOWED_TENANTS=t1, t2\nQIBOT_ADMINS=aad-9\nQIBOT_PORT=4000\n")
    settings = Config.from_env({"QIBOT_PORT": "5000"}, env_file=env_file)
    assert settings.allowed_tenants == {"t1", "t2"} and settings.admins == {"aad-9"}
    assert settings.port == 5000  # the real environment wins over .env


def test_the_openid_metadata_url_defaults_to_the_bot_framework_and_can_be_moved():
    settings = Config.from_env(PROD, env_file=None)
    assert settings.openid_metadata_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert settings.openid_timeout == 5.0
    moved = Config.from_env(
        {**PROD, "QIBOT_OPENID_METADATA_URL": "https://keys.example/openid", "QIBOT_OPENID_TIMEOUT": "2.5"},
        env_file=None,
    )
    assert (moved.openid_metadata_url, moved.openid_timeout) == ("https://keys.example/openid", 2.5)
    with pytest.raises(ConfigError, match="QIBOT_OPENID_METADATA_URL"):
        Config.from_env({**PROD, "QIBOT_OPENID_METADATA_URL": "http://keys.example/openid"}, env_file=None)
