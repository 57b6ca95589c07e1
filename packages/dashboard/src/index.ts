export { duration } from './html.js';
export { dashboardPages } from './pages.js';
export type { DashboardOptions } from './ctx.js';
export { exportStatic } from './export.js';
