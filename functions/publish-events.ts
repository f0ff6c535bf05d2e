import { EventBridgePublisher, eventBridgeClient } from '#shared/adapters/eventbridge/publisher.ts';
import { makePublishHandler } from '#shared/adapters/eventbridge/stream-publisher.ts';
import { requireEventBusName } from '#shared/config.ts';

export const handler = makePublishHandler(new EventBridgePublisher(eventBridgeClient(), requireEventBusName()));
