"""Conditional GET on the content version, as Django views will use it."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.decorators import method_decorator
from django.views import View

from practice_library.conditional import conditional_on_content, content_validators
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

calls: list[str] = []


@conditional_on_content()
def page(request):
    calls.append(request.path)
    return HttpResponse("<p>page</p>")


@method_decorator(conditional_on_content(vary=("Cookie",)), name="dispatch")
class PageView(View):
    def get(self, request):
        calls.append(request.path)
        return HttpResponse("<p>class page</p>")

    def post(self, request):
        return HttpResponse("posted")


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def test_a_full_answer_carries_validators_and_caching(rf: RequestFactory):
    response = page(rf.get("/initiatives/"))

    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert "Last-Modified" in response
    assert response["Cache-Control"] == "public, max-age=60"


def test_a_current_copy_gets_304_without_running_the_view(rf):
    etag = page(rf.get("/initiatives/"))["ETag"]
    calls.clear()

    response = page(rf.get("/initiatives/", headers={"If-None-Match": etag}))

    assert response.status_code == 304
    assert calls == []
    assert response["ETag"] == etag


def test_the_etag_depends_on_the_address_and_the_variant(rf):
    request = rf.get("/initiatives/?theme=youth")

    assert content_validators(request, "html") != content_validators(request, "csv")
    assert (
        content_validators(rf.get("/initiatives/"), "html").etag
        != content_validators(request, "html").etag
    )
    assert content_validators(request, "html", weak=False).etag.startswith('"')


def test_a_change_to_public_content_changes_the_etag(
    rf, django_capture_on_commit_callbacks
):
    before = page(rf.get("/initiatives/"))["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        make_initiative()
    response = page(rf.get("/initiatives/", headers={"If-None-Match": before}))

    assert response.status_code == 200
    assert response["ETag"] != before


def test_class_views_and_vary(rf):
    view = PageView.as_view()
    first = view(rf.get("/themes/"))

    again = view(rf.get("/themes/", headers={"If-None-Match": first["ETag"]}))

    assert again.status_code == 304
    assert "Cookie" in again["Vary"]
    assert "ETag" not in view(rf.post("/themes/"))
