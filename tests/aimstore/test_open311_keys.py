"""API keys for other reporting systems: given once, kept hashed, listed, revoked, audited."""

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.aimstore.open311_fixtures import FormMaker, KeyMaker
from tests.support.open311_client import Open311Client, errors_of
from wardapp.aimstore import models


def test_a_key_is_shown_once_kept_hashed_listed_and_revoked(cli: Cli, engine: Engine) -> None:
    code, out, err = cli("apikey", "add", "--name", "fixmystreet")
    assert code == 0, err
    key = out.strip().splitlines()[-1]
    assert len(key) >= 40 and " " not in key
    assert "open311:fixmystreet" in out  # says what source its reports will carry

    with Session(engine) as session:
        rows = session.execute(select(models.ApiKey)).scalars().all()
        stored = [str(getattr(r, c.key)) for r in rows for c in models.ApiKey.__table__.columns]
        audit = session.scalars(select(models.AuditEntry).order_by(models.AuditEntry.id)).all()
    assert not any(key in value for value in stored)  # only its hash
    code, listing, _ = cli("apikey", "list")
    assert code == 0 and "fixmystreet" in listing and key not in listing
    assert listing.splitlines()[1].endswith("\tno")  # not revoked

    code, out, _ = cli("apikey", "revoke", "--name", "fixmystreet")
    assert code == 0 and "revoked" in out
    assert cli("apikey", "revoke", "--name", "fixmystreet")[1].startswith("API key fixmystreet was")
    _, listing, _ = cli("apikey", "list")
    assert not listing.splitlines()[1].endswith("\tno")
    with Session(engine) as session:
        audit = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.event.like("apikey_%"))
        ).all()
    assert [(a.event, a.target, a.client) for a in audit] == [
        ("apikey_created", "fixmystreet", "cli"),
        ("apikey_revoked", "fixmystreet", "cli"),
    ]
    assert all(key not in str(a.detail) for a in audit)


def test_names_that_cannot_be_keys_are_refused_in_plain_words(cli: Cli) -> None:
    assert cli("apikey", "add", "--name", "fms")[0] == 0
    code, _, err = cli("apikey", "add", "--name", "fms")
    assert code == 1 and "exists or existed" in err
    for bad in ("", "Fix My Street", "x" * 33, "fms\x00"):
        code, _, err = cli("apikey", "add", "--name", bad)
        assert code == 1 and "cannot name a key" in err, bad
    code, _, err = cli("apikey", "revoke", "--name", "nobody")
    assert code == 1 and "no key named nobody" in err


def test_revoked_and_wrong_keys_are_refused(
    make_key: KeyMaker, cli: Cli, open311: Open311Client, form: FormMaker
) -> None:
    key = make_key("fms")
    assert open311.post_request(form(key)).status == 200
    cli("apikey", "revoke", "--name", "fms")
    for wrong in (key, key[:-1], key + "x", "", "x" * 5000):
        answer = open311.post_request(form(wrong))
        assert answer.status == 403, wrong
        assert errors_of(answer)
    xml = open311.post_request(form(key), fmt="xml")
    assert xml.status == 403 and "api_key" in errors_of(xml)[0]
    assert open311.requests(api_key=key).status == 403
