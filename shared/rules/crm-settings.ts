import { z } from 'zod';
import { DEFAULT_RFM_SETTINGS, rfmSettingsSchema } from './rfm';
import { DEFAULT_DASHBOARD_SETTINGS, dashboardSettingsSchema } from './dashboard';

/** The merchant's CRM settings (`settings/crm`, versioned like the other settings). */
export const crmSettingsSchema = z.object({ rfm: rfmSettingsSchema, dashboard: dashboardSettingsSchema.default(DEFAULT_DASHBOARD_SETTINGS) }).strict();
export type CrmSettings = z.infer<typeof crmSettingsSchema>;
export const DEFAULT_CRM_SETTINGS: CrmSettings = { rfm: DEFAULT_RFM_SETTINGS, dashboard: DEFAULT_DASHBOARD_SETTINGS };
