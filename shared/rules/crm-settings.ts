import { z } from 'zod';
import { DEFAULT_RFM_SETTINGS, rfmSettingsSchema } from './rfm';

/** The merchant's CRM settings (`settings/crm`, versioned like the other settings). */
export const crmSettingsSchema = z.object({ rfm: rfmSettingsSchema }).strict();
export type CrmSettings = z.infer<typeof crmSettingsSchema>;
export const DEFAULT_CRM_SETTINGS: CrmSettings = { rfm: DEFAULT_RFM_SETTINGS };
