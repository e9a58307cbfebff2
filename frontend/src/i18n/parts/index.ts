// The parts department's messages, one file per area, merged under `parts.<area>`.
import * as counts from './counts';
import * as issuing from './issuing';
import * as kpis from './kpis';
import * as purchasing from './purchasing';
import * as reorder from './reorder';
import * as stock from './stock';
import * as transfers from './transfers';
import * as writeOffs from './writeOffs';

export const partsEn = {
  stock: stock.en,
  issuing: issuing.en,
  purchasing: purchasing.en,
  counts: counts.en,
  writeOffs: writeOffs.en,
  reorder: reorder.en,
  transfers: transfers.en,
  kpis: kpis.en,
};

export const partsZhCN = {
  stock: stock.zhCN,
  issuing: issuing.zhCN,
  purchasing: purchasing.zhCN,
  counts: counts.zhCN,
  writeOffs: writeOffs.zhCN,
  reorder: reorder.zhCN,
  transfers: transfers.zhCN,
  kpis: kpis.zhCN,
};
