"""The namespaces of our IRIs and the prefixes every output and query shares, as plain strings.

Kept apart from :mod:`kg.vocab` so that readers (the SPARQL store and its server workers) know the prefixes
without importing rdflib.
"""

from __future__ import annotations

KG_NS = "https://w3id.org/paperkg/ontology#"
ID_NS = "https://w3id.org/paperkg/id/"
#: The prefixes every Turtle output binds and every SPARQL query may use without declaring them.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "kgid": ID_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
