"""Public reads can go to a read replica; writes and key checks never do."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from initiatives.models import ContentVersion, Initiative, PartnerApiKey
from practice_library.content_version import current_version
from practice_library.replica import (
    PublicReadsToReplicaMiddleware,
    ReplicaRouter,
    reading_replica,
)

pytestmark = pytest.mark.django_db

router = ReplicaRouter()


@pytest.fixture
def with_replica(settings):
    settings.READ_REPLICA = True


def _seen_during(request) -> dict:
    seen: dict[str, object] = {}

    def view(request):
        seen["replica"] = reading_replica()
        seen["initiative"] = router.db_for_read(Initiative)
        seen["api_key"] = router.db_for_read(PartnerApiKey)
        seen["write"] = router.db_for_write(Initiative)
        return HttpResponse()

    PublicReadsToReplicaMiddleware(view)(request)
    return seen


@pytest.mark.usefixtures("with_replica")
def test_public_reads_go_to_the_replica_but_key_checks_and_writes_do_not():
    seen = _seen_during(RequestFactory().get("/initiatives/"))

    assert seen == {
        "replica": True,
        "initiative": "replica",
        "api_key": None,  # the primary: a revoked key is refused at once
        "write": None,
    }
    assert not reading_replica()  # only for the length of the request


@pytest.mark.usefixtures("with_replica")
@pytest.mark.parametrize(
    "request_",
    [RequestFactory().post("/suggest/"), RequestFactory().get("/admin/")],
    ids=["post", "admin"],
)
def test_writes_and_the_admin_read_from_the_primary(request_):
    assert _seen_during(request_)["initiative"] is None


def test_without_a_replica_nothing_is_routed():
    assert _seen_during(RequestFactory().get("/initiatives/"))["initiative"] is None


def test_the_replica_is_never_migrated():
    assert router.allow_migrate("replica", "initiatives") is False
    assert router.allow_migrate("default", "initiatives") is True


@pytest.mark.usefixtures("with_replica")
def test_while_reading_the_replica_the_version_comes_from_it_not_the_cache():
    # No router is installed in tests, so the test database stands in for
    # the replica.
    current_version()  # the shared cache now holds the primary's version
    ContentVersion.objects.filter(pk=1).update(number=99)

    def view(request):
        return HttpResponse(str(current_version()[0]))

    response = PublicReadsToReplicaMiddleware(view)(RequestFactory().get("/"))

    assert response.content == b"99"
    assert current_version()[0] != 99  # outside a replica read: the cache
