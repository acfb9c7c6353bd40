import type { DurableClient } from 'durable-functions';
import { OrchestrationRuntimeStatus } from 'durable-functions';
import type { AppConfig } from '../config/AppConfig';
import type { Logger } from '../log/Logger';

/**
 * Purges finished orchestration history older than HISTORY_RETENTION_DAYS, so the task hub does
 * not grow for years. Running instances are never touched, and the ledger keeps every outcome.
 */
export async function purgeHistory(
  client: DurableClient,
  config: AppConfig,
  at: Date,
  log: Logger,
): Promise<number> {
  const before = new Date(at.getTime() - config.historyRetentionMs);
  const result = await client.purgeInstanceHistoryBy({
    createdTimeFrom: new Date(0),
    createdTimeTo: before,
    runtimeStatus: [
      OrchestrationRuntimeStatus.Completed,
      OrchestrationRuntimeStatus.Failed,
      OrchestrationRuntimeStatus.Terminated,
    ],
  });
  log.info(
    `Purged the history of ${result.instancesDeleted} finished orchestrations created before ` +
      `${before.toISOString()}.`,
  );
  return result.instancesDeleted;
}
