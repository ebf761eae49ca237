"""Evidence: intake into the encrypted content-addressed store (:mod:`unforgotten.store.files`),
metadata by libraries (:mod:`.metadata`), chain of custody in the audit chain (:mod:`.service`),
and signed BagIt bundles (:mod:`.bundle`) that a recipient checks without the registry
(:mod:`.verify_bundle`)."""

from unforgotten.evidence.bundle import BundleReport, create_bundle
from unforgotten.evidence.service import Attach, Evidence, Received
from unforgotten.evidence.verify_bundle import verify_bundle

__all__ = ["Attach", "BundleReport", "Evidence", "Received", "create_bundle", "verify_bundle"]
