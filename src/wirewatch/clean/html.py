"""HTML page -> body text and metadata.

trafilatura first (tuned on the article-extraction benchmark: recall-leaning, no comments),
jusText when trafilatura finds nothing, then the page's block text as a last resort.
Metadata comes from the page's own meta tags and JSON-LD first, then trafilatura's guesses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import lxml.html
from lxml import etree

from wirewatch.clean.ruleset import HtmlRules, html_rules


@dataclass(slots=True)
class HtmlExtraction:
    text: str  # one paragraph a line
    method: str  # trafilatura | justext | lxml | none
    title: str | None = None
    title_source: str | None = None
    author: str | None = None
    published_at: str | None = None  # as the page wrote it (normalised later)
    site_name: str | None = None
    url: str | None = None
    language: str | None = None  # the page's lang attribute


_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)


def looks_like_html(content: str) -> bool:
    """A page saved under a text name ("story.txt" holding <!DOCTYPE html>)."""
    return bool(_HTML_START.match(content[:2000]))


class HtmlProblem(Exception):
    """The page could not be parsed at all."""


def parse_html(html: str) -> lxml.html.HtmlElement:
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"))
    except (etree.ParserError, ValueError, etree.XMLSyntaxError) as exc:
        raise HtmlProblem(str(exc) or "document is empty") from None
    if tree is None:
        raise HtmlProblem("document is empty")
    return tree


# characters no XML or HTML tree may hold (C0 controls but tab, newline, carriage return): lxml
# parses a page with them, then refuses them in a text it sets (found by fuzzing)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    rules = html_rules()
    html = _NOT_XML.sub("", html)
    tree = parse_html(html)
    meta = read_meta(tree, rules)
    result = HtmlExtraction(text="", method="none", **meta)
    text = _trafilatura(html, url)
    if text:
        result.text, result.method = text, "trafilatura"
    else:
        text = _justext(html, rules.justext_stoplists.get(result.language or "", "English"))
        if text:
            result.text, result.method = text, "justext"
        else:
            text = _lxml_text(tree, rules)
            if text:
                result.text, result.method = text, "lxml"
    # trafilatura's guesses fill what the page's own tags did not say (costly, so only when needed)
    found = _metadata_guesses(tree, url) if not (result.title and result.published_at) else {}
    if found:
        if not result.title and found.get("title"):
            result.title, result.title_source = found["title"], "html-title"
        result.author = result.author or found.get("author")
        result.site_name = result.site_name or found.get("sitename")
        result.published_at = result.published_at or found.get("date")
        result.url = result.url or found.get("url")
    if not result.title:
        node = tree.find(".//title")
        if node is not None and (node.text or "").strip():
            result.title, result.title_source = node.text.strip(), "html-title"
    result.title = strip_site_suffix(result.title, result.site_name)
    return result


_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:»·]\s+")


def strip_site_suffix(title: str | None, site_name: str | None) -> str | None:
    """'Dam breach floods farmland | Delta Daily' -> 'Dam breach floods farmland' when the site is known."""
    if not title or not site_name:
        return title
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and parts[-1].strip().casefold() == site_name.strip().casefold():
        return title[: title.rfind(parts[-1])].rstrip(" |-–—:»·")
    if len(parts) > 1 and parts[0].strip().casefold() == site_name.strip().casefold():
        return title[len(parts[0]) :].lstrip(" |-–—:»·")
    return title


def _trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, favor_recall=True, include_comments=False)
    except Exception:  # noqa: BLE001 - a page trafilatura chokes on goes to the fallbacks
        return ""
    return ((doc.text if doc is not None else "") or "").strip()


def _metadata_guesses(tree: lxml.html.HtmlElement, url: str | None) -> dict:
    """trafilatura's metadata reader (title, author, site name, a date from the markup)."""
    from trafilatura.metadata import extract_metadata

    try:
        doc = extract_metadata(
            tree, default_url=url, date_config={"extensive_search": False, "original_date": True}
        )
    except Exception:  # noqa: BLE001 - metadata is optional; the body already stands
        return {}
    return doc.as_dict() if doc is not None else {}


def _justext(html: str, stoplist: str = "English") -> str:
    import justext

    try:
        paragraphs = justext.justext(html.encode("utf-8", "surrogatepass"), justext.get_stoplist(stoplist))
    except Exception:  # noqa: BLE001 - jusText raises bare errors on odd markup
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate).strip()


def _lxml_text(tree: lxml.html.HtmlElement, rules: HtmlRules) -> str:
    body = tree.find(".//body")
    root = body if body is not None else tree
    for tag in rules.drop_tags:
        for node in root.findall(f".//{tag}"):
            node.drop_tree()
    parts: list[str] = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in rules.block_tags:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        if node.tail:
            parts.append(node.tail)
    text = "".join(parts)
    lines = [re.sub(r"\s+", " ", x).strip() for x in text.split("\n")]
    return "\n".join(x for x in lines if x)


# --- metadata from tags ------------------------------------------------------------------------


def _meta_key(node) -> str | None:
    for attr in ("property", "name", "itemprop", "http-equiv"):
        value = node.get(attr)
        if value:
            return value.strip().casefold()
    return None


def read_meta(tree: lxml.html.HtmlElement, rules: HtmlRules) -> dict[str, str | None]:
    """Title, author, publication date, site name, canonical URL and language from the page's tags."""
    values: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = _meta_key(node)
        content = (node.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    ld = _jsonld(tree, rules)

    def first(keys: tuple[str, ...]) -> str | None:
        return next((values[k] for k in keys if k in values), None)

    published = ld.get("datePublished") or first(rules.published_meta)
    if not published:
        for node in tree.iter("time"):
            if node.get("pubdate") is not None or (node.get("itemprop") or "").lower() == "datepublished":
                published = node.get("datetime") or (node.text or "").strip() or None
                break
    title = _text_value(ld.get("headline")) or first(rules.title_meta)
    author = _person(ld.get("author")) or first(rules.author_meta)
    if author and author.startswith(("http://", "https://", "@")):
        author = None
    site = _person(ld.get("publisher")) or first(rules.site_name_meta)
    if site and site.startswith("@"):
        site = None
    url = first(rules.url_meta)
    if not url:
        link = tree.find(".//link[@rel='canonical']")
        url = link.get("href") if link is not None else None
    if url and not urlparse(url).scheme.startswith("http"):
        url = None
    lang = (tree.get("lang") or "").split("-")[0].strip().lower() or None
    return {
        "title": title,
        "title_source": "html-meta" if title else None,
        "author": author,
        "published_at": published,
        "site_name": site,
        "url": url,
        "language": lang,
    }


def _text_value(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _person(value) -> str | None:
    """A name from a JSON-LD author/publisher value (string, object, or list of them)."""
    if isinstance(value, list):
        names = [n for n in (_person(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _text_value(value.get("name"))
    return _text_value(value)


def _jsonld(tree: lxml.html.HtmlElement, rules: HtmlRules) -> dict:
    """The first JSON-LD object of an article type on the page."""
    for node in tree.iter("script"):
        if (node.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(node.text or "")
        except (ValueError, TypeError):
            continue
        for item in _walk_jsonld(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(k in rules.jsonld_types for k in kinds if isinstance(k, str)):
                return item
    return {}


def _walk_jsonld(data):
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_jsonld(data["@graph"])


def domain_of(url: str | None) -> str | None:
    """'https://www.example.com/a' -> 'example.com'."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None
