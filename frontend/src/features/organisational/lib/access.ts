import { keepsBoardRecords, usesBoardTools } from '@/lib/access';

/**
 * Who opens the board pages: board members and administrators (their organisation's
 * records, which they change) and readers of aggregates (commissioners read their trusts'
 * records; the scoring service decides which, decision 0030). The API checks every request.
 */
export const readsBoardRecords = usesBoardTools;

/** May start and change the organisation's board self-assessments and scorecards. */
export const changesBoardRecords = keepsBoardRecords;
