import { EventBridgePublisher, eventBridgeClient } from '#shared/adapters/eventbridge/publisher.ts';
import { requireEventBusName } from '#shared/config.ts';
import { makePublishHandler } from '#shared/events/stream-publisher.ts';

/** The event publisher: the table's stream to the bus (shared/events/stream-consumers.ts). */
export const handler = makePublishHandler(new EventBridgePublisher(eventBridgeClient(), requireEventBusName()));
