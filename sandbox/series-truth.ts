// Ground truth of the long tables (variant_monthly, variant_daily, variant_history, variant_forecast_snapshots),
// read from the canonical models of the live variants: every map entry and every history point, with the local
// date in the shop's offset. variant_history's truth is every point of the live variants: points are never
// deleted, so a table may also hold those of variants removed since.
import { HIST_FIELDS, localDate, MAP_FIELDS, type MonthMap, type Points } from './variant-series.js';
import type { VariantModel, VariantStore } from './variants.js';

type Row = Record<string, unknown>;
export type SeriesTruth = Record<'variant_monthly' | 'variant_daily' | 'variant_history', Row[]>;
/** Each series stream's key, as the columns the tap's key_properties name. */
export const SERIES_KEYS = {
  variant_monthly: ['variant_id', 'warehouse', 'metric', 'month'],
  variant_daily: ['variant_id', 'warehouse', 'metric', 'day'],
  variant_history: ['variant_id', 'metric', 'recorded_at'],
  variant_forecast_snapshots: ['snapshot_date', 'variant_id', 'warehouse', 'month'],
};

const pad = (k: string): string => k.padStart(2, '0');

/** The variant's figure (warehouse "") and each block's, with its fields. */
const figures = (m: VariantModel): [string, Row][] => [
  ['', m.fields],
  ...m.blocks.map((b): [string, Row] => [b.warehouse as string, b]),
];

function monthRows(map: MonthMap | undefined): [string, number][] {
  return Object.entries(map ?? {}).flatMap(([y, ms]) =>
    Object.entries(ms).map(([mo, v]): [string, number] => [`${y}-${pad(mo)}-01`, v]),
  );
}

export function seriesTruth(store: VariantStore, accountId: string): SeriesTruth {
  const truth: SeriesTruth = { variant_monthly: [], variant_daily: [], variant_history: [] };
  for (const n of store.live) {
    const m = store.model(n);
    const head = { variant_id: m.id };
    for (const [warehouse, source] of figures(m)) {
      for (const metric of MAP_FIELDS)
        for (const [month, value] of monthRows(source[metric] as MonthMap | undefined))
          truth.variant_monthly.push({ ...head, warehouse, metric, month, value, _account_id: accountId });
      const days = (source.orders_by_day ?? {}) as Record<string, MonthMap>;
      for (const [y, ms] of Object.entries(days))
        for (const [mo, ds] of Object.entries(ms))
          for (const [d, value] of Object.entries(ds))
            truth.variant_daily.push({
              ...head,
              warehouse,
              metric: 'orders_by_day',
              day: `${y}-${pad(mo)}-${pad(d)}`,
              value,
              _account_id: accountId,
            });
    }
    for (const metric of [...HIST_FIELDS, 'stockouts_hist'])
      for (const [t, value] of (m.fields[metric] ?? []) as Points)
        truth.variant_history.push({
          ...head,
          metric,
          recorded_at: new Date(t).toISOString(),
          local_date: localDate(t, m.offsetMinutes),
          value,
          _account_id: accountId,
        });
  }
  return truth;
}

/** variant_forecast_snapshots rows of a run on `date` (YYYY-MM-DD). */
export function forecastSnapshotTruth(store: VariantStore, accountId: string, date: string): Row[] {
  return store.live.flatMap((n) => {
    const m = store.model(n);
    return figures(m).flatMap(([warehouse, source]) =>
      monthRows(source.forecast_by_period as MonthMap | undefined).map(([month, value]) => ({
        snapshot_date: date,
        variant_id: m.id,
        warehouse,
        month,
        value,
        _account_id: accountId,
      })),
    );
  });
}
