"""Every write of the evaluations app lives here, one module per area; each function owns its transaction and
writes the audit record. Views, commands, imports and tasks call these, never the ORM's save() directly."""
