"""The public pages. Each view picks a selector and a template, and stops.

Every list starts from a selector in ``initiatives.selectors``, so drafts never
reach a page; bad parameters come back as a message on the page (200), never
as a 500; an unknown slug is a 404.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, FormView, ListView, TemplateView, View
from django_filters.views import FilterMixin

from initiatives.downloads import (
    CSV_NAME,
    LICENCE_NAME,
    LICENCE_URL,
    MEDIA_TYPES,
    Manifest,
    csv_lines,
    export_queryset,
    export_rows,
    is_current,
    is_whole_library,
    read_manifest,
    request_build,
)
from initiatives.exports import EXPORT_HEADER, export_row
from initiatives.filters import InitiativeFilterSet, SourceFilterSet
from initiatives.forms import (
    MapThemeForm,
    ProblemReportForm,
    SuggestionForm,
    fill_time_token,
    site_path,
)
from initiatives.metadata import (
    briefing_citation,
    briefing_document_citation,
    briefing_json_ld,
    initiative_citation,
    initiative_json_ld,
    initiative_sources_cited,
    source_citation,
)
from initiatives.models import (
    Briefing,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    PoliceArea,
    ProblemReport,
    Source,
)
from initiatives.pictures import area_theme_matrix, bar_chart, cartogram
from initiatives.search_page import SearchPage, without_empty_values
from initiatives.selectors import (
    area_theme_counts,
    briefing_mentions,
    briefings_with_counts,
    initiatives_citing,
    organisation_role_counts,
    organisation_roles,
    police_areas_with_counts,
    public_briefings,
    public_initiative_details,
    public_initiatives,
    public_organisations,
    public_organisations_with_counts,
    public_sources,
    public_sources_published_by,
    public_sources_with_counts,
    published_initiative_count,
    recently_published_initiatives,
    recently_updated_initiatives,
    source_kind_counts,
)
from initiatives.services.suggestions import submit_suggestion
from practice_library.cache import count_in_window
from practice_library.client_address import client_address
from practice_library.content_version import current_version
from practice_library.download_limits import (
    HoldingSlot,
    downloads_busy,
    refused,
    seconds_until_allowed,
    take_slot,
    too_many_downloads,
)
from practice_library.paging import Problem, form_problems, paginate_params
from practice_library.parameters import unreadable
from themes.models import Theme
from themes.selectors import themes_with_counts

HOME_LIST_LENGTH = 5
ORGANISATION_ROLE_LENGTH = 20


def base_url(request: HttpRequest) -> str:
    """The scheme and host of the site, for absolute addresses."""
    return request.build_absolute_uri("/").rstrip("/")


def listed_initiatives(
    request: HttpRequest, queryset: QuerySet[Initiative]
) -> tuple[QuerySet[Initiative] | None, list[Problem]]:
    """A page's own list of initiatives (an area's, a theme's), with demo data
    as the one FilterSet decides it (``?include_demo=``) and in its default
    order; or None and what is wrong with the parameter."""
    filterset = InitiativeFilterSet(
        {"include_demo": request.GET.getlist("include_demo")}, queryset=queryset
    )
    if not filterset.is_valid():
        return None, form_problems(filterset.form, request.GET)
    return filterset.qs, []


class HomeView(TemplateView):
    template_name = "initiatives/home.html"

    def get_context_data(self, **kwargs):
        added = list(recently_published_initiatives(HOME_LIST_LENGTH))
        return super().get_context_data(
            total=published_initiative_count(),
            theme_bars=bar_chart(list(themes_with_counts())),
            recently_published=added,
            recently_updated=recently_updated_initiatives(
                HOME_LIST_LENGTH, excluding=[initiative.pk for initiative in added]
            ),
            map=cartogram(list(police_areas_with_counts())),
            **kwargs,
        )


class InitiativeListView(FilterMixin, TemplateView):
    """Search and browse: the one FilterSet, facets, chips and pages."""

    template_name = "initiatives/initiative_list.html"
    filterset_class = InitiativeFilterSet

    def get_queryset(self) -> QuerySet[Initiative]:
        # Demo entries too: the FilterSet's include_demo decides.
        return public_initiatives(include_demo=True)

    def get_filterset_kwargs(self, filterset_class):
        # Bound even without parameters, as in the API: no filter is a search.
        return {
            **super().get_filterset_kwargs(filterset_class),
            "data": self.request.GET,
        }

    def get(self, request, *args, **kwargs):
        shorter = without_empty_values(request.GET)
        if shorter is not None:
            query = shorter.urlencode()
            return redirect(f"{request.path}?{query}" if query else request.path)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        return super().get_context_data(
            search=SearchPage(filterset, self.request.GET), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        # A page past the last is not found, as in the API; the page still
        # says why, and links back to the results.
        if context["search"].past_the_last_page:
            response_kwargs.setdefault("status", 404)
        return super().render_to_response(context, **response_kwargs)


class InitiativeExportView(FilterMixin, View):
    """The whole current result set, streamed row by row: the search page's
    downloads, refused (400) with the reasons when a parameter is bad.

    The unfiltered CSV is the prebuilt whole-library file while that is
    current (``initiatives.downloads``); anything else is made on demand,
    within the limits of ``practice_library.download_limits``.
    """

    filterset_class = InitiativeFilterSet

    def get_queryset(self) -> QuerySet[Initiative]:
        # Demo entries too: the FilterSet's include_demo decides.
        return public_initiatives(include_demo=True)

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "data": self.request.GET,
        }

    def get(self, request: HttpRequest) -> HttpResponseBase:
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            return _export_refused(filterset)
        if is_whole_library(filterset):
            prebuilt = self.prebuilt(request)
            if prebuilt is not None:
                return prebuilt
        wait = seconds_until_allowed(request)
        if wait is not None:
            return too_many_downloads(wait)
        slot = take_slot()
        if slot is None:
            return downloads_busy()
        queryset = export_queryset(filterset)
        try:
            # One query before anything is sent: a database that is down is a
            # 503 (practice_library.outage), never a 200 that ends after the
            # header. (Cheap: no ordering, one row; the stream's own cursor
            # opens only when the stream is read.)
            queryset.exists()
        except BaseException:
            slot.release()
            raise
        response = self.stream(request, export_rows(queryset))
        # Given back when the stream ends, fails or is closed.
        chunks = cast(Iterator[bytes], response.streaming_content)
        response.streaming_content = HoldingSlot(chunks, slot)
        return response

    def prebuilt(self, request: HttpRequest) -> HttpResponseBase | None:
        """The prebuilt file holding this download, if it is current."""
        return None

    def stream(
        self, request: HttpRequest, rows: Iterator[Initiative]
    ) -> StreamingHttpResponse:
        raise NotImplementedError


def _export_refused(filterset: InitiativeFilterSet) -> HttpResponse:
    lines = [
        f"{name}: {message}"
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    return HttpResponseBadRequest(
        "The download was not made, because of these parameters:\n"
        + "\n".join(lines)
        + "\n",
        content_type="text/plain; charset=utf-8",
    )


def _download_name(extension: str) -> str:
    return f"initiatives-{timezone.localdate():%Y-%m-%d}.{extension}"


class CsvExportView(InitiativeExportView):
    """The whole current result set as CSV."""

    def prebuilt(self, request: HttpRequest) -> HttpResponseBase | None:
        manifest = read_manifest()
        if not is_current(manifest, current_version()[0]):
            return None
        assert manifest is not None
        return bulk_file_response(
            request, manifest, CSV_NAME, filename=_download_name("csv"), gzip=False
        )

    def stream(
        self, request: HttpRequest, rows: Iterator[Initiative]
    ) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            csv_lines(rows, base_url=base_url(request)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{_download_name("csv")}"'
        )
        response["Link"] = LICENCE_LINK
        return response


class JsonExportView(InitiativeExportView):
    """The whole current result set as JSON."""

    def stream(
        self, request: HttpRequest, rows: Iterator[Initiative]
    ) -> StreamingHttpResponse:
        search_url = request.build_absolute_uri(reverse("initiatives:list"))
        query = request.GET.urlencode()
        head = {
            "source": settings.SITE_NAME,
            "search": f"{search_url}?{query}" if query else search_url,
            "generated_at": timezone.now().isoformat(),
            "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
            "columns": EXPORT_HEADER,
        }

        def chunks() -> Iterator[str]:
            encoder = DjangoJSONEncoder(ensure_ascii=False)
            yield json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "results": ['
            separator = "\n"
            site = base_url(request)
            for initiative in rows:
                row = export_row(initiative, base_url=site)
                yield separator + encoder.encode(row)
                separator = ",\n"
            yield "\n]}\n"

        response = StreamingHttpResponse(
            chunks(), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{_download_name("json")}"'
        )
        response["Link"] = LICENCE_LINK
        return response


COMPARE_MIN, COMPARE_MAX = 2, 4
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def _compare_problems(slugs: list[str], found: set[str]) -> list[Problem]:
    """What is wrong with the initiatives chosen for comparison, in words."""
    problems = []
    unknown = [slug for slug in slugs if slug not in found]
    for slug in unknown:
        problems.append(
            Problem(
                "slug",
                "Initiative",
                slug[:80],
                "no published initiative has this address, so it is left out.",
            )
        )
    compared = len(slugs) - len(unknown)
    if compared < COMPARE_MIN:
        problems.append(
            Problem(
                "slug",
                "Initiatives to compare",
                "",
                f"choose at least {COMPARE_MIN} published initiatives "
                f"(this address gives {compared}).",
            )
        )
    elif len(slugs) > COMPARE_MAX:
        problems.append(
            Problem(
                "slug",
                "Initiatives to compare",
                "",
                f"choose at most {COMPARE_MAX} initiatives (this address gives "
                f"{len(slugs)}); compare them a few at a time.",
            )
        )
    return problems


class InitiativeCompareView(TemplateView):
    """Two to four published initiatives side by side, at a shareable
    address (``?slug=a&slug=b``) that the search results' "Compare selected"
    button makes without JavaScript."""

    template_name = "initiatives/initiative_compare.html"

    def get(self, request, *args, **kwargs):
        given = request.GET.getlist("slug")
        slugs = list(dict.fromkeys(value.strip() for value in given if value.strip()))
        if set(request.GET) - {"slug"} or slugs != given:
            # Only the chosen slugs, once each, in the order chosen: the
            # address to share.
            canonical = QueryDict(mutable=True)
            canonical.setlist("slug", slugs)
            query = canonical.urlencode()
            return redirect(f"{request.path}?{query}" if query else request.path)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        slugs = self.request.GET.getlist("slug")
        problem = unreadable(slugs)
        if problem:
            problems = [Problem("slug", "Initiatives to compare", "", problem)]
            return super().get_context_data(problems=problems, compared=[], **kwargs)
        wellformed = [slug for slug in slugs if _SLUG.fullmatch(slug)]
        compared: list[Initiative] = []
        found: set[str] = set()
        if COMPARE_MIN <= len(slugs) <= COMPARE_MAX and wellformed:
            by_slug = {
                initiative.slug: initiative
                for initiative in public_initiative_details().filter(
                    slug__in=wellformed
                )
            }
            compared = [by_slug[slug] for slug in slugs if slug in by_slug]
            found = set(by_slug)
        elif wellformed:
            # Too many or too few to compare: only which slugs exist matters.
            found = set(
                public_initiatives(include_demo=True)
                .filter(slug__in=wellformed)
                .values_list("slug", flat=True)
            )
        problems = _compare_problems(slugs, found)
        if len(compared) < COMPARE_MIN:
            compared = []
        return super().get_context_data(
            problems=problems,
            compared=[
                {"initiative": initiative, "roles": _roles(initiative)}
                for initiative in compared
            ],
            **kwargs,
        )


def _roles(initiative: Initiative) -> dict[str, list[Organisation]]:
    """Its organisations by role (uses prefetched rows)."""
    roles = list(initiative.organisation_roles.all())
    return {
        role: [link.organisation for link in roles if link.role == role]
        for role in InitiativeOrganisation.Role.values
    }


LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"; title="{LICENCE_NAME}"'
_GZIP = re.compile(r"(?:^|,)\s*gzip\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*(?:,|$)", re.I)


def _accepts_gzip(request: HttpRequest) -> bool:
    match = _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if match is None:
        return False
    try:
        return match.group(1) is None or float(match.group(1)) > 0
    except ValueError:
        return False


def bulk_file_response(
    request: HttpRequest,
    manifest: Manifest,
    name: str,
    *,
    filename: str,
    gzip: bool,
) -> HttpResponseBase:
    """A prebuilt file as the answer: validators from its digest and the
    content's last change, compressed for clients that accept gzip."""
    built = manifest.files[name]
    compressed = gzip and _accepts_gzip(request)
    etag = f'"{built.sha256[:40]}{"-gzip" if compressed else ""}"'
    last_modified = int(manifest.changed_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        try:
            handle = open(built.gzip_path if compressed else built.path, "rb")
        except FileNotFoundError:
            # Replaced by a newer build since the manifest was read.
            manifest_now = read_manifest()
            if manifest_now is None or manifest_now.built_at == manifest.built_at:
                raise Http404("The download is being prepared.") from None
            return bulk_file_response(
                request, manifest_now, name, filename=filename, gzip=gzip
            )
        response = FileResponse(
            handle,
            content_type=MEDIA_TYPES[name],
            as_attachment=True,
            filename=filename,
        )
        if compressed:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Link"] = LICENCE_LINK
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    if gzip:
        patch_vary_headers(response, ["Accept-Encoding"])
    return response


@require_safe
def bulk_download(request: HttpRequest, name: str) -> HttpResponseBase:
    """A whole-library file, as last built: served from disk, never from the
    database, so any number of them cost the site almost nothing."""
    manifest = read_manifest()
    if manifest is None or name not in manifest.files:
        request_build()
        return refused(
            503,
            settings.DOWNLOAD_RETRY_AFTER,
            "The whole-library download is being prepared. Please try again "
            "in a few moments.",
        )
    return bulk_file_response(request, manifest, name, filename=name, gzip=True)


class InitiativeDetailView(DetailView):
    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self) -> QuerySet[Initiative]:
        return public_initiative_details()

    def get_context_data(self, **kwargs):
        initiative = self.object
        url = self.request.build_absolute_uri(initiative.get_absolute_url())
        parent = initiative.parent
        roles = list(initiative.organisation_roles.all())
        return super().get_context_data(
            # A parent that is not published is not public: leave it out.
            parent=parent if parent is not None and parent.is_published else None,
            roles={
                role: [r.organisation for r in roles if r.role == role]
                for role in InitiativeOrganisation.Role.values
            },
            permanent_url=url,
            citation=initiative_citation(initiative, url),
            based_on=initiative_sources_cited(initiative),
            structured_data=initiative_json_ld(initiative, url),
            **kwargs,
        )


class PoliceAreaListView(TemplateView):
    """The 43 areas: the cartogram (narrowable by theme) and the table."""

    template_name = "initiatives/policearea_list.html"

    def get_context_data(self, **kwargs):
        form = MapThemeForm(self.request.GET or None)
        theme = form.cleaned_data["theme"] if form.is_valid() else None
        areas = list(police_areas_with_counts(theme=theme).with_governance())
        return super().get_context_data(
            form=form,
            problems=form_problems(form, self.request.GET) if form.errors else [],
            themes=list(Theme.objects.in_order()),
            theme=theme,
            police_areas=areas,
            map=cartogram(areas, theme=theme),
            **kwargs,
        )


class PoliceAreaDetailView(DetailView):
    template_name = "initiatives/policearea_detail.html"
    context_object_name = "police_area"

    def get_queryset(self) -> QuerySet[PoliceArea]:
        return PoliceArea.objects.with_governance()

    def get_context_data(self, **kwargs):
        area = self.object
        listed, problems = listed_initiatives(
            self.request,
            public_initiatives(include_demo=True).filter(police_areas=area),
        )
        page = None
        if listed is not None:
            page, problems = paginate_params(listed, self.request.GET)
        bars = bar_chart(list(themes_with_counts(police_area=area)))
        return super().get_context_data(
            page_obj=page,
            problems=problems,
            theme_bars=[bar for bar in bars if bar.count],
            **kwargs,
        )


class PoliceAreaCompareView(TemplateView):
    """Every area against every theme: where the work is, and the gaps."""

    template_name = "initiatives/policearea_compare.html"

    def get_context_data(self, **kwargs):
        areas = list(police_areas_with_counts())
        themes = list(themes_with_counts())
        return super().get_context_data(
            matrix=area_theme_matrix(areas, themes, area_theme_counts()),
            areas=areas,
            themes=themes,
            total=published_initiative_count(),
            **kwargs,
        )


class BriefingListView(ListView):
    template_name = "initiatives/briefing_list.html"
    context_object_name = "briefings"

    def get_queryset(self) -> QuerySet[Briefing]:
        return briefings_with_counts()


class BriefingDetailView(DetailView):
    template_name = "initiatives/briefing_detail.html"
    context_object_name = "briefing"

    def get_queryset(self) -> QuerySet[Briefing]:
        return public_briefings().prefetch_related("key_findings")

    def get_context_data(self, **kwargs):
        briefing = self.object
        url = self.request.build_absolute_uri(briefing.get_absolute_url())
        mentions = list(briefing_mentions(briefing))
        return super().get_context_data(
            mentions=mentions,
            permanent_url=url,
            citation=briefing_citation(briefing, url),
            based_on=[briefing_document_citation(briefing)],
            structured_data=briefing_json_ld(
                briefing, url, mentions, base_url(self.request)
            ),
            **kwargs,
        )


class OrganisationListView(ListView):
    template_name = "initiatives/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self) -> QuerySet[Organisation]:
        return public_organisations_with_counts()


class OrganisationDetailView(DetailView):
    """An organisation with a part in published work, its initiatives by role."""

    template_name = "initiatives/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self) -> QuerySet[Organisation]:
        return (
            public_organisations()
            .select_related("police_area")
            .prefetch_related(
                Prefetch(
                    "published_briefings",
                    queryset=public_briefings().order_by("-published_on", "title"),
                    to_attr="public_briefings",
                )
            )
        )

    def get_context_data(self, **kwargs):
        organisation = self.object
        counts = organisation_role_counts(organisation)
        rows = list(organisation_roles(organisation, per_role=ORGANISATION_ROLE_LENGTH))
        roles = [
            {
                "role": role,
                "label": label,
                "count": counts[role],
                "initiatives": [row.initiative for row in rows if row.role == role],
            }
            for role, label in InitiativeOrganisation.Role.choices
            if counts.get(role)
        ]
        return super().get_context_data(
            roles=roles,
            sources=list(public_sources_published_by(organisation)),
            **kwargs,
        )


SOURCES_PER_PAGE = 50


class SourceListView(FilterMixin, TemplateView):
    """The documents the library cites, filterable by kind and publisher."""

    template_name = "initiatives/source_list.html"
    filterset_class = SourceFilterSet

    def get_queryset(self) -> QuerySet[Source]:
        return public_sources_with_counts()

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "data": self.request.GET,
        }

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        problems: list[Problem] = []
        page = None
        if filterset.is_valid():
            page, problems = paginate_params(
                filterset.qs, self.request.GET, default_size=SOURCES_PER_PAGE
            )
        else:
            problems = form_problems(filterset.form, self.request.GET)
        counts = source_kind_counts(public_sources())
        chosen = set(self.request.GET.getlist("kind"))
        return super().get_context_data(
            filterset=filterset,
            page_obj=page,
            problems=problems,
            kinds=[
                {
                    "value": value,
                    "label": label,
                    "count": counts.get(value, 0),
                    "selected": value in chosen,
                }
                for value, label in Source.Kind.choices
                if counts.get(value)
            ],
            total=sum(counts.values()),
            **kwargs,
        )


class SourceDetailView(DetailView):
    """A source: its full citation and the published work that cites it."""

    template_name = "initiatives/source_detail.html"
    context_object_name = "source"

    def get_queryset(self) -> QuerySet[Source]:
        return public_sources()

    def get_context_data(self, **kwargs):
        source = self.object
        return super().get_context_data(
            citation=source_citation(source),
            initiatives=list(initiatives_citing(source)),
            **kwargs,
        )


class EvidenceView(TemplateView):
    """What the library's evidence labels mean, and how they sit beside the
    national toolkits' ratings: every evidence label links here."""

    template_name = "initiatives/evidence.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stages=Initiative.EvidenceStage.choices,
            outcomes=Initiative.EvidenceOutcome.choices,
            **kwargs,
        )


class AccessibilityView(TemplateView):
    template_name = "accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contact_email=settings.LIBRARY_CONTACT_EMAIL, **kwargs
        )


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Filtered searches and whole-library downloads are endless for a
        # crawler; every entry is in the sitemap instead.
        f"Disallow: {reverse('initiatives:list')}?",
        # The footer links every page's own report form (?page=...): one is
        # enough for a crawler.
        f"Disallow: {reverse('initiatives:report-problem')}?",
        f"Disallow: {reverse('initiatives:export-csv')}",
        f"Disallow: {reverse('initiatives:export-json')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


class PublicFormView(FormView):
    """A page with a form anyone may send (a ``PublicForm``).

    At most ``rate_limit()`` forms an hour are taken from one address
    (counted in the shared cache under a hash of it, robots included); each
    form shown is taken once; a robot that fills the hidden field is
    thanked and ignored. ``save(form)`` keeps what was sent, raising
    ValidationError naming the field when it cannot.
    """

    # FormView would take PUT as POST; a form is only ever POSTed.
    http_method_names = ["get", "head", "post", "options"]
    rate_key_prefix: str
    sent_already: str
    success_url_name: str

    def rate_limit(self) -> int:
        raise NotImplementedError

    def rate_window(self) -> int:
        raise NotImplementedError

    def save(self, form) -> None:
        raise NotImplementedError

    def form_options(self) -> dict[str, Any]:
        """What the form class takes besides its data."""
        return {}

    def _rate_key(self) -> str:
        # Only a hash of the address is kept, and only for the rate window.
        address = client_address(self.request)
        return f"{self.rate_key_prefix}:" + hashlib.sha256(address.encode()).hexdigest()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_options()}

    def post(self, request, *args, **kwargs):
        if cache.get(self._rate_key(), 0) >= self.rate_limit():
            form = self.get_form_class()(
                initial=self.get_initial(), **self.form_options()
            )
            context = self.get_context_data(form=form, rate_limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # One form shown, one sent: the nonce is remembered (in the shared
        # cache, as long as the form's note is valid) once it is sent.
        if count_in_window(form.nonce_key, form.max_seconds) > 1:
            form.add_error(None, self.sent_already)
            return self.form_invalid(form)
        if not form.is_trapped:
            try:
                self.save(form)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
                return self.form_invalid(form)
        count_in_window(self._rate_key(), self.rate_window())
        return redirect(self.success_url_name)

    def form_invalid(self, form):
        # The form shown again is a new form: its note is new (so one that
        # was used, or open too long, does not block the corrected one).
        form.data = form.data.copy()
        form.data["started"] = fill_time_token()
        return super().form_invalid(form)


class SuggestView(PublicFormView):
    """The public form through which the field suggests an initiative,
    limited to SUGGESTION_RATE_LIMIT an hour from one address."""

    template_name = "initiatives/suggestion_form.html"
    form_class = SuggestionForm
    rate_key_prefix = "suggest-rate"
    sent_already = (
        "This form has been sent already. If this is another suggestion, check "
        "it and send it again."
    )
    success_url_name = "initiatives:suggest-thanks"

    def rate_limit(self) -> int:
        return settings.SUGGESTION_RATE_LIMIT

    def rate_window(self) -> int:
        return settings.SUGGESTION_RATE_WINDOW

    def form_options(self) -> dict[str, Any]:
        return {"min_seconds": settings.SUGGESTION_MIN_SECONDS}

    def save(self, form) -> None:
        data = form.cleaned_data
        submit_suggestion(
            title=data["title"],
            police_areas=data["police_areas"],
            summary=data["summary"],
            description=data["description"],
            website=data["website"],
            themes=data["themes"],
            submitter_name=data["submitter_name"],
            submitter_email=data["submitter_email"],
            submitter_organisation=data["submitter_organisation"],
            consent=data["consent"],
        )


class SuggestThanksView(TemplateView):
    template_name = "initiatives/suggestion_thanks.html"


class ProblemReportView(PublicFormView):
    """Report a problem with the website: the accessibility statement's
    default way to reach the team, kept for curators in the admin.

    ``?kind=`` chooses the kind of problem and ``?page=`` (or, failing that,
    the page the visitor came from) fills in the page's address, but only
    with a page of this site. Limited to PROBLEM_REPORT_RATE_LIMIT an hour
    from one address.
    """

    template_name = "initiatives/problem_report_form.html"
    form_class = ProblemReportForm
    rate_key_prefix = "problem-report-rate"
    sent_already = (
        "This form has been sent already. If this is another problem, check "
        "your report and send it again."
    )
    success_url_name = "initiatives:report-problem-thanks"

    def rate_limit(self) -> int:
        return settings.PROBLEM_REPORT_RATE_LIMIT

    def rate_window(self) -> int:
        return settings.PROBLEM_REPORT_RATE_WINDOW

    def form_options(self) -> dict[str, Any]:
        return {
            "min_seconds": settings.PROBLEM_REPORT_MIN_SECONDS,
            "site_host": self.request.get_host(),
        }

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        kind = self.request.GET.get("kind", "")
        if kind in ProblemReport.Kind.values:
            initial["kind"] = kind
        host = self.request.get_host()
        here = reverse("initiatives:report-problem")
        for address in (
            self.request.GET.get("page", ""),
            self.request.headers.get("referer", ""),
        ):
            path = site_path(address, host)
            if path is not None and not path.startswith(here):
                initial["page"] = path
                break
        return initial

    def save(self, form) -> None:
        data = form.cleaned_data
        ProblemReport.objects.create(
            kind=data["kind"],
            description=data["description"].strip(),
            page=data["page"],
            reply_email=data["reply_email"],
        )


class ProblemReportThanksView(TemplateView):
    template_name = "initiatives/problem_report_thanks.html"
