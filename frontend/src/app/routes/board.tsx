import { Route, Routes, useParams } from 'react-router';

import { AmendPage } from '@/features/organisational/components/amend-page';
import { AssessmentPage } from '@/features/organisational/components/assessment-page';
import { BoardHome } from '@/features/organisational/components/board-home';
import { HeatAuditPage } from '@/features/organisational/components/heat-audit-page';
import { PrivateSelfAssessment } from '@/features/organisational/components/private-self-assessment';
import { StartPage } from '@/features/organisational/components/start-page';
import { changesBoardRecords, readsBoardRecords } from '@/features/organisational/lib/access';
import { boardPaths, isInstrumentId } from '@/features/organisational/paths';

import { Guard } from './guard';
import NotFoundRoute from './not-found';

function StartRoute() {
  const { instrument } = useParams();
  if (!isInstrumentId(instrument)) return <NotFoundRoute />;
  return <Guard allowed={changesBoardRecords}>{() => <StartPage instrument={instrument} />}</Guard>;
}

function AssessmentRoute() {
  const { assessmentId = '' } = useParams();
  return (
    <Guard allowed={readsBoardRecords}>
      {(me) => <AssessmentPage key={assessmentId} assessmentId={assessmentId} me={me} />}
    </Guard>
  );
}

function AmendRoute() {
  const { assessmentId = '' } = useParams();
  return (
    <Guard allowed={readsBoardRecords}>
      {(me) => <AmendPage key={assessmentId} assessmentId={assessmentId} me={me} />}
    </Guard>
  );
}

/**
 * Board tools and HEAT (issue 21), below /board. The private self-assessment needs no role:
 * its results open from a link without logging in, as NHS Providers' tool does (decision
 * 0035); every other page is for board members and administrators, and read-only for
 * commissioners.
 */
export default function BoardRoute() {
  return (
    <Routes>
      <Route
        index
        element={<Guard allowed={readsBoardRecords}>{(me) => <BoardHome me={me} />}</Guard>}
      />
      <Route path={boardPaths.private.route} element={<PrivateSelfAssessment />} />
      <Route path={boardPaths.start.route} element={<StartRoute />} />
      <Route path={boardPaths.assessment.route} element={<AssessmentRoute />} />
      <Route path={boardPaths.amend.route} element={<AmendRoute />} />
      <Route
        path={boardPaths.heatAudit.route}
        element={<Guard allowed={readsBoardRecords}>{(me) => <HeatAuditPage me={me} />}</Guard>}
      />
      <Route path="*" element={<NotFoundRoute />} />
    </Routes>
  );
}
