"""The text a person reads in a Django template, found without rendering it.

A template is split into Django's own tokens ({% %}, {{ }}, {# #}) and the text between
them; the text is scanned as HTML, outside tags. A run of text and {{ variables }} with a
letter in it is text a person reads, and must be inside {% translate %} or
{% blocktranslate %}. Attributes a person reads (aria-label, title, alt, placeholder)
must be translated too, and so must a filter's default text (`|default:_("...")`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

DJANGO_TOKEN = re.compile(r"({%.*?%}|{{.*?}}|{#.*?#})", re.DOTALL)
LETTER = re.compile(r"[A-Za-z]")
ENTITY = re.compile(r"&[A-Za-z]+;|&#[0-9]+;")
LITERAL_DEFAULT = re.compile(r"""\|default:(["'])(.*?)\1""")
READ_ATTRIBUTE = re.compile(r"""\b(aria-label|title|alt|placeholder)=(["'])(.*?)\2""")
# Blocks whose content is not text a person reads, or is already translated.
SKIPPED = {
    "comment": "endcomment",
    "blocktranslate": "endblocktranslate",
    "verbatim": "endverbatim",
}
# Text that stays the same in every language.
UNTRANSLATED = frozenset({"English", "Cymraeg"})


@dataclass
class Piece:
    kind: str  # "text", "var", "tag" (a block tag) or "html" (part of an HTML tag)
    value: str


def pieces(source: str) -> Iterator[Piece]:
    """The template as text, variables, block tags and HTML-tag pieces, in order."""
    in_tag = False
    quote = ""
    skip_until = ""
    for token in DJANGO_TOKEN.split(source):
        if not token:
            continue
        if DJANGO_TOKEN.fullmatch(token):
            if token.startswith("{#"):
                yield Piece("html", token)
                continue
            if token.startswith("{%"):
                words = token[2:-2].split()
                name = words[0] if words else ""
                if skip_until:
                    if name == skip_until:
                        skip_until = ""
                elif name in SKIPPED:
                    skip_until = SKIPPED[name]
                yield Piece("html" if in_tag else "tag", token)
                continue
            yield Piece("html" if in_tag or skip_until else "var", token)
            continue
        if skip_until:
            yield Piece("html", token)
            continue
        text = []
        for i, char in enumerate(token):
            if in_tag:
                text.append(char)
                if quote:
                    if char == quote:
                        quote = ""
                elif char in "\"'":
                    quote = char
                elif char == ">":
                    in_tag = False
                    yield Piece("html", "".join(text))
                    text = []
            elif char == "<" and i + 1 < len(token) and re.match(r"[A-Za-z/!]", token[i + 1]):
                if text:
                    yield Piece("text", "".join(text))
                text = [char]
                in_tag = True
            else:
                text.append(char)
        if text:
            yield Piece("html" if in_tag else "text", "".join(text))


def reads(text: str) -> bool:
    """Whether a piece of text has words in it (not just spaces, digits or punctuation)."""
    words = ENTITY.sub(" ", text).strip()
    return bool(LETTER.search(words)) and words not in UNTRANSLATED


def untranslated(source: str) -> list[str]:
    """The text and read attributes of a template that are not marked for translation."""
    found = [p.value.strip() for p in pieces(source) if p.kind == "text" and reads(p.value)]
    for piece in pieces(source):
        if piece.kind == "html":
            for match in READ_ATTRIBUTE.finditer(piece.value):
                value = match.group(3)
                if reads(DJANGO_TOKEN.sub("", value)):
                    found.append(f'{match.group(1)}="{value}"')
    for piece in pieces(source):
        if piece.kind == "var":
            found += [
                m.group(0) for m in LITERAL_DEFAULT.finditer(piece.value) if reads(m.group(2))
            ]
    return found


def template_msgids(name: str) -> set[str]:
    """The messages a template (and what it includes or extends, by name) asks to translate."""
    from django.template import Node, Template, engines
    from django.template.loader_tags import ExtendsNode, IncludeNode
    from django.templatetags.i18n import BlockTranslateNode, TranslateNode

    engine = engines["django"].engine  # type: ignore[attr-defined]
    found: set[str] = set()
    seen: set[str] = set()

    def visit(template: Template) -> None:
        for node in template.nodelist.get_nodes_by_type(Node):
            if isinstance(node, TranslateNode):
                literal = node.filter_expression.var.literal
                if isinstance(literal, str):
                    found.add(literal)
            elif isinstance(node, BlockTranslateNode):
                found.add(node.render_token_list(node.singular)[0])
                if node.plural:
                    found.add(node.render_token_list(node.plural)[0])
            elif isinstance(node, IncludeNode | ExtendsNode):
                expression = node.template if isinstance(node, IncludeNode) else node.parent_name
                target = getattr(expression, "var", None)
                if isinstance(target, str) and target not in seen:
                    seen.add(target)
                    visit(engine.get_template(target))

    visit(engine.get_template(name))
    return found
