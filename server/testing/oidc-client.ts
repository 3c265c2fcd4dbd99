/** The test identity provider's one client, as Casefile is configured with it in tests. */
export const TEST_CLIENT = { clientId: "casefile-test", clientSecret: "casefile-test-secret-0123456789" };

/** The group → role mapping tests configure (the README's example). */
export const TEST_GROUP_ROLES = "soc-analysts=investigator,soc-leads=approver,grc=compliance,it-admins=admin";
