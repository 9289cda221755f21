"""Refused attempts and grants in the audit log; break-glass on caseloads; each rule once.

- ``audit_event.outcome``: ``allowed`` or ``refused`` (a 403, a 404 on a record that exists,
  a 409 or a 412), and ``subject_organisation_code``: the organisation whose record it was,
  so a trust's administrator sees another trust's client's refused attempts on its people.
- ``caseload_entry.added_by`` and ``break_glass_reason``: a person added to a caseload while
  another team of the trust cared for them needs a stated reason (decision 0014).
- ``cared_for_by(staff, organisation)``: the people a member of staff, working for an
  organisation, cares for, and the teams through which. The one statement of the access
  rule: the ORM's ``person_visible_to`` and the hot path of recording an assessment both
  call it (a SQL function of one SELECT, which the planner inlines into the calling query:
  the plans are those of the join written out).
- ``completed_years(on, born)``: completed years of age, the one statement of the rule the
  feed's age uses, in SQL (inlined like the above).

Revision ID: c41f9a2e7b60
Revises: 3e9a6d1c8b27
"""

import sqlalchemy as sa
from alembic import op

revision: str = "c41f9a2e7b60"
down_revision: str | None = "3e9a6d1c8b27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "audit_event",
        sa.Column("outcome", sa.String(length=8), nullable=False, server_default="allowed"),
    )
    op.add_column(
        "audit_event", sa.Column("subject_organisation_code", sa.String(length=12), nullable=True)
    )
    op.create_index(
        "ix_audit_event_subject_org_at", "audit_event", ["subject_organisation_code", "id"]
    )
    op.add_column("caseload_entry", sa.Column("added_by", sa.String(length=128), nullable=True))
    op.add_column(
        "caseload_entry", sa.Column("break_glass_reason", sa.String(length=2000), nullable=True)
    )
    op.execute(
        """
        CREATE FUNCTION cared_for_by(staff text, organisation text)
        RETURNS TABLE (person_id uuid, team_id uuid, team_code text, organisation_code text,
                       commissioner_code text)
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT c.person_id, t.id, t.code::text, o.ods_code::text, o.parent_ods_code::text
            FROM caseload_entry c
            JOIN team t ON t.id = c.team_id
            JOIN membership m ON m.team_id = t.id
            JOIN organisation o ON o.id = t.organisation_id
            WHERE m.subject = staff AND o.ods_code = organisation
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION completed_years(on_date date, born date) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT (extract(year FROM on_date) - extract(year FROM born)
                    - CASE WHEN (extract(month FROM on_date), extract(day FROM on_date))
                                >= (extract(month FROM born), extract(day FROM born))
                           THEN 0 ELSE 1 END)::integer
        $$
        """
    )


def downgrade() -> None:
    # The older schema would show refused attempts as ordinary reads: refuse to lose that.
    op.execute(
        """
        DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM audit_event WHERE outcome <> 'allowed') THEN
            RAISE EXCEPTION 'the audit log holds refused attempts; downgrading would '
              'record them as allowed';
          END IF;
        END $$
        """
    )
    op.execute("DROP FUNCTION completed_years(date, date)")
    op.execute("DROP FUNCTION cared_for_by(text, text)")
    op.drop_column("caseload_entry", "break_glass_reason")
    op.drop_column("caseload_entry", "added_by")
    op.drop_index("ix_audit_event_subject_org_at", table_name="audit_event")
    op.drop_column("audit_event", "subject_organisation_code")
    op.drop_column("audit_event", "outcome")
