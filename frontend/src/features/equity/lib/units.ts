import type { Me } from '@/lib/access';

/** A team or organisation whose activity data the user may keep (decision 0032). */
export type WritableUnit = { code: string; name: string };

/**
 * Who may create datasets, upload and keep the action plan: a team's lead for that team;
 * an analyst or administrator of a trust for it and its teams; never a board member or a
 * commissioner. The service checks again on every request; this only decides what to offer.
 */
export function writesForOrganisation(me: Me): boolean {
  const admin = me.permissions.includes('organisation:admin');
  const analyst = me.permissions.includes('aggregate:read') && !me.permissions.includes('board:assess');
  return me.kind === 'user' && me.organisation !== null && (admin || analyst);
}

export function writableUnits(me: Me, organisationTeams: readonly { code: string; name: string | null }[]): WritableUnit[] {
  if (me.kind !== 'user') return [];
  if (writesForOrganisation(me) && me.organisation !== null) {
    const organisation = me.organisation;
    return [
      { code: organisation.ods_code, name: `${organisation.name ?? organisation.ods_code} (the whole organisation)` },
      ...organisationTeams.map((t) => ({ code: t.code, name: t.name ?? t.code })),
    ];
  }
  // Only organisation roles read on an organisation basis; everyone else writes the teams they lead.
  if (me.permissions.includes('aggregate:read') || me.permissions.includes('organisation:admin')) return [];
  return me.teams.filter((t) => t.role === 'lead').map((t) => ({ code: t.code, name: t.name }));
}

/** The name of a unit the user knows (their teams, their organisation), else its code. */
export function unitName(me: Me, code: string, known: readonly { code: string; name: string | null }[] = []): string {
  if (me.organisation?.ods_code === code) return me.organisation.name ?? code;
  return me.teams.find((t) => t.code === code)?.name ?? known.find((u) => u.code === code)?.name ?? code;
}
