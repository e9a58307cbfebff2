// Messages of the manufacturer-oversight screens: monthlyReports. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'monthlyReports',
};

export const zhCN: Messages<typeof en> = {
  title: 'monthlyReports',
};
