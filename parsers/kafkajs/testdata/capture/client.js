// client.js connects a KafkaJS producer (or admin) to the brokers in
// $BROKERS and exits when KafkaJS gives up; its log goes to stdout/stderr
// through the logger named by $LOGGER: "default" (KafkaJS's JSON console
// logger), "winston" (the logCreator of KafkaJS's documentation) or
// "pino", "text" (a plain-text logCreator).
const { Kafka, logLevel } = require('kafkajs')

const brokers = (process.env.BROKERS || '127.0.0.1:9092').split(',')
const which = process.env.LOGGER || 'default'

function winstonCreator() {
  const winston = require('winston')
  const toWinston = l => ({ [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug', [logLevel.NOTHING]: 'error' })[l]
  return level => {
    const logger = winston.createLogger({
      level: toWinston(level),
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [new winston.transports.Console()],
    })
    return ({ namespace, level, label, log }) => {
      const { message, ...extra } = log
      logger.log({ level: toWinston(level), message, extra })
    }
  }
}

function pinoCreator() {
  const pino = require('pino')
  const logger = pino({ level: 'debug' })
  const toPino = l => ({ [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' })[l]
  return () => ({ namespace, level, label, log }) => {
    const { message, ...extra } = log
    logger[toPino(level)]({ namespace, ...extra }, message)
  }
}

function main() {
// textCreator is the plain-text logCreator many applications write:
// "<ISO time> <LEVEL> [<namespace>] <message> <extra as JSON>".
function textCreator() {
  return () => ({ namespace, label, log }) => {
    const { message, timestamp, logger, ...extra } = log
    console.log(`${timestamp} ${label} [${namespace}] ${message} ${JSON.stringify(extra)}`)
  }
}

const kafka = new Kafka({
  clientId: process.env.CLIENT_ID || 'capture-app',
  brokers,
  ssl: process.env.SSL === '1',
  sasl: process.env.SASL_USER ? { mechanism: 'plain', username: process.env.SASL_USER, password: 'wrong' } : undefined,
  connectionTimeout: Number(process.env.CONNECT_TIMEOUT || 1000),
  requestTimeout: Number(process.env.REQUEST_TIMEOUT || 1500),
  retry: { retries: Number(process.env.RETRIES || 2), initialRetryTime: 100, maxRetryTime: 400 },
  logLevel: process.env.DEBUG === '1' ? logLevel.DEBUG : logLevel.INFO,
  logCreator: which === 'text' ? textCreator() : which === 'winston' ? winstonCreator() : which === 'pino' ? pinoCreator() : undefined,
})

if (process.env.CONSUMER === '1') {
  const consumer = kafka.consumer({ groupId: 'capture-group', retry: { retries: 1, initialRetryTime: 100 } })
  consumer.connect()
    .then(() => consumer.subscribe({ topic: 'capture' }))
    .then(() => consumer.run({ eachMessage: async () => {} }))
    .catch(() => process.exit(1))
  consumer.on(consumer.events.CRASH, () => setTimeout(() => process.exit(1), 200))
  return
}
const producer = kafka.producer()
producer.connect()
  .then(() => producer.send({ topic: 'capture', messages: [{ value: 'x' }] }))
  .then(() => process.exit(0))
  .catch(() => process.exit(1))
}
setTimeout(() => process.exit(2), 20000).unref()
main()
