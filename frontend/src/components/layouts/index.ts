export type { NavigationItem } from './header';
export { MainLayout } from './main-layout';
