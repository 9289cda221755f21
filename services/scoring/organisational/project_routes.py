"""Projects and programmes, the subjects HEAT assesses: register, list, read and rename
(If-Match). Access: ``organisational.access`` (members of the owning organisation; an ICB's
roles read their trusts')."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.common.database import Session
from services.common.errors import problem_responses
from services.common.etag import IfMatch, check_if_match, etag_for
from services.common.pagination import Page, decode_cursor, encode_cursor
from services.scoring.db.base import utcnow
from services.scoring.organisational import repository, service
from services.scoring.organisational.access import Staff, readable_organisations
from services.scoring.organisational.models import Project
from services.scoring.organisational.schemas import ProjectCreate, ProjectRead, ProjectUpdate
from services.scoring.organisations.models import Organisation

router = APIRouter(
    prefix="/api/scoring",
    tags=["organisational assessments"],
    responses=problem_responses(401, 403, 404, 422),
)


def _project_read(project: Project, organisation: Organisation) -> ProjectRead:
    return ProjectRead(
        id=project.id,
        organisation_code=organisation.ods_code,
        kind=project.kind,
        name=project.name,
        description=project.description,
        version=project.version,
        created_at=project.created_at,
    )


@router.post(
    "/projects",
    status_code=201,
    responses=problem_responses(400, 413),
    summary="Register a project or programme of your organisation (to assess with HEAT)",
)
async def create_project(
    body: ProjectCreate, principal: Staff, session: Session, request: Request, response: Response
) -> ProjectRead:
    organisation = await service.own_organisation(session, principal)
    project = Project(
        organisation_id=organisation.id,
        kind=body.kind,
        name=body.name,
        description=body.description,
        created_by=principal.subject,
    )
    session.add(project)
    await session.flush()
    service.audit(session, principal, request, "create", "project", project.id)
    response.headers["ETag"] = etag_for(project.version)
    return _project_read(project, organisation)


@router.get(
    "/projects",
    summary="Projects and programmes of your organisation (or your trusts'), a page at a time",
)
async def list_projects(
    principal: Staff,
    session: Session,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=repository.PAGE_MAX)] = 100,
) -> Page[ProjectRead]:
    after = decode_cursor(cursor, repository.ProjectsPosition)
    rows, last = await repository.projects_page(
        session, readable_organisations(principal), after, limit
    )
    return Page(
        items=[_project_read(p, o) for p, o in rows],
        next_cursor=encode_cursor(last) if last is not None else None,
    )


@router.get("/projects/{project_id}", summary="One project or programme")
async def get_project(
    project_id: uuid.UUID, principal: Staff, session: Session, response: Response
) -> ProjectRead:
    project, organisation = await service.load_project(session, principal, project_id)
    response.headers["ETag"] = etag_for(project.version)
    return _project_read(project, organisation)


@router.patch(
    "/projects/{project_id}",
    responses=problem_responses(400, 412, 413, 428),
    summary="Rename or describe a project (If-Match required)",
)
async def update_project(
    project_id: uuid.UUID,
    body: ProjectUpdate,
    principal: Staff,
    session: Session,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectRead:
    project, organisation = await service.load_project(session, principal, project_id, change=True)
    check_if_match(if_match, project.version)
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name != "description":
            continue
        setattr(project, name, value)
    project.version += 1
    project.updated_at = utcnow()
    service.audit(session, principal, request, "update", "project", project.id)
    response.headers["ETag"] = etag_for(project.version)
    return _project_read(project, organisation)
