export { ChartWithTable } from './chart-with-table';
export { isSuppressed, scaleMax, type ChartDatum } from './figures';
