/** The merchant's CRM settings (`settings/crm`, versioned as `crm@<v>`): the RFM window. Saving them comes with the dashboard. */
import { crmSettingsSchema, DEFAULT_CRM_SETTINGS, type CrmSettings } from '../../../shared/rules/crm-settings';
import { loadVersioned } from '../platform/settings';
import { SETTINGS_IDS } from '../platform/settings-read';

export async function loadCrmSettings(): Promise<{ version: number; settings: CrmSettings }> {
  return loadVersioned(SETTINGS_IDS.crm, 'settings', crmSettingsSchema, DEFAULT_CRM_SETTINGS);
}
