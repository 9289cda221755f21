"""FHIR R4 input for the scoring service: UK Core Patients pushed by EPRs (docs/fhir.md).

Pure logic, no I/O or database:

- ``parsing``: request bodies (FHIR JSON, or FHIR XML through a hardened parser and
  ``xml_conversion``) -> FHIR JSON dicts; ``xml_output`` the way back, for XML answers;
- ``patient_mapping``: validate a UK Core Patient and read Equitas's fields
  (``patient_elements`` and ``uk_core_extensions`` read the individual elements);
  ``person_fields`` turns them into person columns (with the IMD decile);
- ``bundle``: transaction / batch request Bundles and their response Bundles;
- ``ingest_plan``: the idempotency and ordering rules (created, updated, unchanged,
  ignored as older, ...);
- ``patient_rendering``: the person record as a Patient, search Bundles;
- ``operation_outcome``: every error as OperationOutcome issues with FHIRPath;
- ``capability``: the CapabilityStatement.

The endpoint: ``routes`` (with ``fhir_route``: errors as OperationOutcomes), ``service``
(lock, plan, bulk write, audit) and ``repository`` (the bulk SQL). ``bulk_load`` is the
``equitas-ingest`` command.
"""
