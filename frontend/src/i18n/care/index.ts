// The customer-care messages, one file per area, merged under `care.<area>`.
import * as complaints from './complaints';
import * as measures from './measures';
import * as reminders from './reminders';
import * as revisits from './revisits';
import * as settings from './settings';

export const careEn = {
  revisits: revisits.en,
  complaints: complaints.en,
  reminders: reminders.en,
  measures: measures.en,
  settings: settings.en,
};

export const careZhCN = {
  revisits: revisits.zhCN,
  complaints: complaints.zhCN,
  reminders: reminders.zhCN,
  measures: measures.zhCN,
  settings: settings.zhCN,
};
