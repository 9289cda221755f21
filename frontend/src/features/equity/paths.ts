// The pages of service equity, below /equity (app/routes/equity.tsx mounts them).
const id = (value: number | string) => encodeURIComponent(String(value));

export const SECTIONS = [
  { value: 'overview', label: 'Dataset and upload', path: '' },
  { value: 'completeness', label: 'Data completeness', path: 'completeness' },
  { value: 'representation', label: 'Representation', path: 'representation' },
  { value: 'engagement', label: 'Engagement and outcomes', path: 'engagement' },
  { value: 'evaluation', label: 'Evaluate a change', path: 'evaluation' },
  { value: 'plan', label: 'Action plan', path: 'plan' },
] as const;

export type Section = (typeof SECTIONS)[number]['value'];

export const equityPaths = {
  datasets: () => '/equity',
  referenceData: () => '/equity/reference-data',
  dataset: (datasetId: number | string, section: Section = 'overview') => {
    const found = SECTIONS.find((s) => s.value === section);
    const tail = found === undefined || found.path === '' ? '' : `/${found.path}`;
    return `/equity/datasets/${id(datasetId)}${tail}`;
  },
};

/** A dataset id from the address: a positive whole number, else null (not found). */
export function datasetIdFrom(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9]\d{0,17}$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
