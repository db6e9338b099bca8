"""Template helpers shared by every page: roles for the navigation, languages and
countries in the viewer's language. Names of people are in ``people_tags``, regions
in ``organisation_tags``."""

from __future__ import annotations

from django import template
from django.db import models
from django.db.models import Exists
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kakehashi.core.cache import fixed_fragment, versioned
from kakehashi.core.enums import Country, Language
from kakehashi.core.roles import is_candidate, is_officer

register = template.Library()


@register.simple_tag(takes_context=True)
def user_roles(context) -> dict[str, bool]:
    """The roles of the signed-in user, computed once per request (fixed query count)."""
    return request_roles(context.get("request"))


def request_roles(request) -> dict[str, bool]:
    """`user_roles` for views: {} for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_kakehashi_roles", None)
    if cached is None:
        # They depend only on rows the data version covers (profiles, supervisions,
        # invitations, affiliations, the user's own): kept per person and version, so
        # a page costs the version's one query (which cached fragments read anyway).
        cached = versioned("nav-roles", (user.pk,), lambda: _roles(user), request=request)
        request._kakehashi_roles = cached
    return cached


@register.simple_tag(takes_context=True)
def site_nav(context, roles: dict) -> str:
    """The main navigation (core/_site_nav.html) for `roles` (`user_roles`): ~20 links
    reversed and translated, the same for everyone with the same roles, so cached per
    roles, language and whether this is the viewer's home page (`fixed_fragment`)."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    match = getattr(context.get("request"), "resolver_match", None)
    at_home = getattr(match, "view_name", None) == "programs:home"
    roles = roles or {}
    values = {"roles": roles, "signed_in": signed_in, "at_home": at_home}
    flags = tuple(sorted(name for name, on in roles.items() if on))
    # The template's own output, escaped as it rendered (a str once cached).
    return mark_safe(
        fixed_fragment(
            "site-nav",
            (signed_in, at_home, flags),
            lambda: render_to_string("core/_site_nav.html", values).strip(),
        )
    )


class FixedNode(template.Node):
    def __init__(self, name: str, parts: list, nodelist) -> None:
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context) -> str:
        parts = tuple(str(part.resolve(context)) for part in self.parts)
        return fixed_fragment(self.name, parts, lambda: self.nodelist.render(context))


@register.tag
def fixed(parser, token) -> FixedNode:
    """`{% fixed "name" value… %}…{% endfixed %}`: the enclosed HTML, cached per name,
    values and language (`core.cache.fixed_fragment`). Only for HTML that depends on
    nothing but those: no data, no user, no request, no CSRF token (the base template's
    links, language choices and footer: a page's links reversed and texts translated
    once per worker instead of on every request)."""
    bits = token.split_contents()[1:]
    if not bits or bits[0][0] not in "\"'" or bits[0][0] != bits[0][-1]:
        raise template.TemplateSyntaxError("fixed takes a quoted name, then values")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(bits[0][1:-1], [parser.compile_filter(bit) for bit in bits[1:]], nodelist)


def _roles(user) -> dict[str, bool]:
    supervisor, invited, host, org_admin = _supervision_flags(user)
    return {
        "candidate": bool(is_candidate(user)),
        # As core.roles.is_supervisor: supervises a project (an accepted supervision).
        "supervisor": supervisor,
        # Named a supervisor of a project and not answered yet (projects.SupervisionInvitation).
        "invited": invited,
        # Affiliated with an organisation as supervisor, researcher or admin: may post.
        "host": host,
        # An admin of some organisation: vets its projects.
        "org_admin": org_admin,
        "officer": bool(is_officer(user)),
        # Reviews proposals (review app's pages).
        "reviewer": bool(getattr(user, "is_reviewer", False)),
    }


def _supervision_flags(user) -> tuple[bool, bool, bool, bool]:
    """Whether `user` supervises a project, is invited to, is affiliated with a host
    (supervisor, researcher or admin) and administers an organisation, in one query."""
    row = (
        user._meta.model._default_manager.filter(pk=user.pk)
        .annotate(
            supervises=Exists(user.supervisions.all()),
            invited=Exists(user.supervision_invitations.all()),
            host=Exists(user.affiliations.filter(role__in=("supervisor", "researcher", "admin"))),
            org_admin=Exists(user.affiliations.filter(role="admin")),
        )
        .values_list("supervises", "invited", "host", "org_admin")
        .first()
    )
    return tuple(bool(v) for v in row) if row else (False, False, False, False)


def _choice_label(choices: type[models.TextChoices], code: str) -> str:
    """The label of `code` among `choices` in the viewer's language; unknown codes as they are."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


@register.filter
def language_name(code: str) -> str:
    """“en” → “English” in the viewer's language."""
    return _choice_label(Language, code)


@register.filter
def country_name(code: str) -> str:
    return _choice_label(Country, code)


@register.filter
def translated(obj, field: str) -> str:
    """`project|translated:"title"`: the field in the viewer's language if translated."""
    return obj.translated(field)


# ------------------------------------------------------------------ languages of content
# Content in another language than the page's carries `lang`, so that screen readers
# pronounce it right (WCAG 3.1.2). A model that knows the language of what it shows
# answers `shown(field) -> (text, language)` (projects, organisations, calls and
# programs, research fields); these filters only read it.


def lang_attribute(code: str) -> str:
    """` lang="ja"` when `code` is not the page's language; "" otherwise."""
    if not code or code == (get_language() or "en")[:2]:
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def lang_of(obj, field: str = "") -> str:
    """`<h2{{ project|lang_of:"title" }}>`: the `lang` attribute of `obj`'s `field` as shown,
    when its language is not the page's (a project's title in its posting's language,
    unless translated into the reader's; an organisation's name; a field's title)."""
    if obj is None or not hasattr(obj, "shown"):
        return ""
    return lang_attribute(obj.shown(field)[1] if field else obj.shown()[1])


@register.filter
def in_lang(obj, field: str = "") -> str:
    """`{{ project|in_lang:"title" }}`: the text of `obj`'s `field` as shown, wrapped in
    `<span lang="…">` when its language is not the page's (for text inside a sentence)."""
    if obj is None:
        return ""
    if not hasattr(obj, "shown"):
        return format_html("{}", obj)
    text, code = obj.shown(field) if field else obj.shown()
    attribute = lang_attribute(code)
    return (
        format_html("<span{}>{}</span>", attribute, text) if attribute else format_html("{}", text)
    )


@register.simple_tag(takes_context=True)
def render_panel(context, panel: dict) -> str:
    """A panel another app adds to a page through a signal (``{"template", "context"}``):
    its template, rendered with the page's context and the panel's own on top."""
    values = context.flatten()
    values.update(panel.get("context") or {})
    return render_to_string(panel["template"], values, request=context.get("request"))


class DataTableNode(template.Node):
    def __init__(self, rows, options: dict, head, body) -> None:
        self.rows, self.options, self.head, self.body = rows, options, head, body

    def render(self, context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        if self.rows is not None and not self.rows.resolve(context):
            return format_html('<p class="empty">{}</p>', options["empty"])
        if options.get("caption"):
            caption = format_html(
                "  <caption{}>{}</caption>\n",
                "" if options.get("caption_shown") else mark_safe(' class="visually-hidden"'),
                options["caption"],
            )
        else:
            caption = ""
        return format_html(
            '<div class="table-scroll">\n<table{}>\n{}  <thead><tr>{}</tr></thead>\n'
            "  <tbody>{}</tbody>\n</table>\n</div>",
            format_html(' class="{}"', options["class"]) if options.get("class") else "",
            caption,
            self.head.render(context),
            self.body.render(context),
        )


@register.tag
def datatable(parser, token) -> DataTableNode:
    """The page's table of `rows`, or its `empty` message when there are none — one
    scaffold (scrolling wrapper, caption, header row, body) for every list page::

        {% datatable rows caption=_("Internships") empty=_("No internship yet.") %}
          <th scope="col">…</th>…
        {% body %}
          {% for row in rows %}<tr>…</tr>{% endfor %}
        {% enddatatable %}

    The caption is for screen readers unless `caption_shown=True`; `class` is the
    table's. Without rows (and `empty`) the table is always shown, its body saying when
    it has no row.
    """
    bits = token.split_contents()[1:]
    rows = None
    if bits and "=" not in bits[0]:
        rows = parser.compile_filter(bits.pop(0))
        if not any(bit.startswith("empty=") for bit in bits):
            raise template.TemplateSyntaxError("datatable: rows go with an empty message")
    given = len(bits)
    options = template.base.token_kwargs(bits, parser)  # consumes `bits`
    if len(options) != given:
        raise template.TemplateSyntaxError("datatable takes name=value options")
    head = parser.parse(("body",))
    parser.delete_first_token()
    body = parser.parse(("enddatatable",))
    parser.delete_first_token()
    return DataTableNode(rows, options, head, body)
