import { requireEventBusName } from '#shared/config.ts';
import { eventBridgeClient, EventBridgePublisher } from '#shared/adapters/eventbridge/publisher.ts';
import { makePublishHandler } from '#shared/adapters/eventbridge/stream-publisher.ts';

export const handler = makePublishHandler(new EventBridgePublisher(eventBridgeClient(), requireEventBusName()));
