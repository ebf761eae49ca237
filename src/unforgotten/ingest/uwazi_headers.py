"""The headers and labels an Uwazi export is read by: its common headers in the languages it
writes them, property labels that feed canonical columns, relationship properties and templates
that hold persons (all compared as :func:`~unforgotten.ingest.columns.header_key` writes them)."""

from __future__ import annotations

from unforgotten.ingest.columns import HEADER_ALIASES, header_key

__all__ = [
    "COMMON",
    "COMMON_HEADERS",
    "PERSON_TEMPLATES",
    "PROPERTY_ALIASES",
    "RELATIONSHIP_LABELS",
    "UNPUBLISHED",
]

COMMON_HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("Title", "제목", "Título", "Titre"),
    "creationDate": ("Date added", "추가된 날짜", "추가 날짜", "등록일", "Fecha de creación", "Date d'ajout"),
    "template": ("Template", "템플릿", "Plantilla", "Modèle"),
    "geolocation": (
        "Geolocation",
        "위치 정보",
        "지리적 위치",
        "위치정보",
        "Geolocalización",
        "Géolocalisation",
    ),
    "documents": ("Documents", "문서", "Documentos"),
    "attachments": ("Attachments", "첨부 파일", "첨부파일", "Adjuntos", "Pièces jointes"),
    "published": ("Published", "게시됨", "게시 여부", "Publicado", "Publié"),
}
"""Uwazi's common CSV headers as its export writes them, in English and translated."""

COMMON = {header_key(h): key for key, names in COMMON_HEADERS.items() for h in names}
UNPUBLISHED = frozenset(
    {"unpublished", "게시 안 됨", "게시되지 않음", "미게시", "no publicado", "non publié"}
)

PROPERTY_ALIASES: dict[str, str] = {
    **HEADER_ALIASES,
    "sex": "sex",
    "date of birth": "birth_date",
    "birth date": "birth_date",
    "birthdate": "birth_date",
    "place of birth": "birth_place",
    "birthplace": "birth_place",
    "hometown": "birth_place",
    "case type": "case_type",
    "type of case": "case_type",
    "type of violation": "case_type",
    "violation": "case_type",
    "violation type": "case_type",
    "date of abduction": "event_date",
    "date of detention": "event_date",
    "date of disappearance": "event_date",
    "date of incident": "event_date",
    "date of violation": "event_date",
    "place of abduction": "event_place",
    "place of detention": "event_place",
    "place of incident": "event_place",
    "location": "event_place",
    "status": "status",
    "current status": "status",
    "description": "notes",
    "summary": "notes",
    "name in hangul": "name_hangul",
    "korean name": "name_hangul",
    "other names": "aliases",
    "aliases": "aliases",
    "피해 일자": "event_date",
    "피해일자": "event_date",
    "피해 장소": "event_place",
    "피해장소": "event_place",
    "억류일": "event_date",
    "억류 장소": "event_place",
    "설명": "notes",
}
"""Property labels (compared as :func:`header_key` writes them) and the canonical column each feeds."""

RELATIONSHIP_LABELS = frozenset(
    header_key(label)
    for label in (
        "Perpetrator",
        "Perpetrators",
        "Alleged perpetrators",
        "Victims",
        "Related victims",
        "Related cases",
        "Related incidents",
        "Relationships",
        "Related persons",
        "가해자",
        "관련 피해자",
        "관련 사건",
        "관련 인물",
        "관련자",
    )
)
PERSON_TEMPLATES = frozenset(
    header_key(t)
    for t in (
        "Victim",
        "Victims",
        "Person",
        "Abductee",
        "Detainee",
        "Case",
        "Cases",
        "Prisoner of war",
        "POW",
        "피해자",
        "납북자",
        "억류자",
        "국군포로",
        "사례",
        "인물",
    )
)
