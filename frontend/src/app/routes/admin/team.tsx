import { useParams } from 'react-router';

import { TeamPage } from '@/features/admin/components/team-page';
import { administers } from '@/lib/access';

import { Guard } from '../guard';

export default function AdminTeamRoute() {
  const { teamCode = '' } = useParams();
  return <Guard allowed={administers}>{() => <TeamPage key={teamCode} code={teamCode} />}</Guard>;
}
