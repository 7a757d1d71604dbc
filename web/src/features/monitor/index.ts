export { MonitorPage } from './MonitorPage';
export { WallboardPage } from './WallboardPage';
